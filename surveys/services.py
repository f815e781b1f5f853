"""The questionnaire domain's one door: questionnaires, their draft, and published versions.

Other packages and the pages call these names through `surveys.services`; the code lives
by concern in `questionnaires.py`, `drafts.py`, `versions.py` and `languages.py`.
"""

from surveys.drafts import (
    DraftConflictError,
    add_item,
    delete_item,
    draft_definition,
    draft_revisions,
    move_into_section,
    move_item,
    undo_delete,
    update_item,
)
from surveys.languages import check_new_language, languages_of
from surveys.questionnaires import (
    create_questionnaire,
    get_questionnaire,
    get_study_questionnaire,
    import_questionnaire,
    questionnaires_of,
)
from surveys.versions import (
    PublishRefusedError,
    get_version,
    publish_version,
    version_definition,
)

__all__ = [
    "DraftConflictError",
    "PublishRefusedError",
    "add_item",
    "check_new_language",
    "create_questionnaire",
    "delete_item",
    "draft_definition",
    "draft_revisions",
    "get_questionnaire",
    "get_study_questionnaire",
    "get_version",
    "import_questionnaire",
    "languages_of",
    "move_into_section",
    "move_item",
    "publish_version",
    "questionnaires_of",
    "undo_delete",
    "update_item",
    "version_definition",
]
