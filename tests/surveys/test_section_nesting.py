"""Sections go at most MAX_SECTION_DEPTH deep: import, the editor and the services say so."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from peer_research.errors import DomainError
from surveys import definition as d
from surveys import services as drafts
from surveys.definition import MAX_SECTION_DEPTH
from surveys.models import Questionnaire
from surveys.xlsform import import_xlsform

from builders import question, section
from support import page_text

TOO_DEEP = "Sections can go only 10 deep"


def nested_csv(depth: int) -> bytes:
    """Return an XLSForm (CSV) with groups nested `depth` deep and a question in the middle."""
    rows = ["survey,,,", ",type,name,label"]
    rows += [f",begin group,g{level},Group {level}" for level in range(1, depth + 1)]
    rows.append(",text,inner,Deep inside")
    rows += [",end group,," for _level in range(depth)]
    return "\n".join(rows).encode()


def nested(depth: int, innermost: d.Item | None = None, prefix: str = "s") -> d.Section:
    """Return sections s1 ... s<depth>, one inside another, the innermost holding an item."""
    item: d.Item = innermost or question("inner")
    for level in range(depth, 0, -1):
        item = section(f"{prefix}{level}", item)
    return item


def test_the_limit_is_stated():
    assert MAX_SECTION_DEPTH == 10


def test_an_import_ten_deep_is_kept_and_eleven_deep_refused():
    assert import_xlsform(nested_csv(10), "ten.csv").imported
    result = import_xlsform(nested_csv(11), "eleven.csv")
    assert not result.imported and result.definition is None
    messages = [finding.message for finding in result.report.errors]
    assert messages == [
        "This group is 11 sections deep. Sections can go only 10 deep, one inside another: "
        "move it nearer the top."
    ]
    assert result.report.errors[0].row == 13  # the row of "begin group g11"


@pytest.fixture
def import_page(client, auth, facilitator):
    """Sign the facilitator in and return the import page's address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires/import"


def test_a_file_600_deep_gets_a_clear_report_and_nothing_is_imported(
    client, import_page, db_session
):
    response = client.post(
        import_page,
        data={"file": (io.BytesIO(nested_csv(600)), "deep.csv"), "unsupported": "refuse"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "The file was not imported" in page
    assert "This group is 11 sections deep" in page and page.count(TOO_DEEP) == 1
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 0


def test_services_refuse_a_section_past_the_limit(app, db_session, questionnaire, facilitator):
    with app.app_context():
        drafts.add_item(
            db_session, questionnaire=questionnaire, item=nested(10), changed_by=facilitator.user
        )
        drafts.add_item(
            db_session,
            questionnaire=questionnaire,
            item=question("fine"),
            section="s10",
            changed_by=facilitator.user,
        )
        with pytest.raises(DomainError, match=TOO_DEEP) as refused:
            drafts.add_item(
                db_session,
                questionnaire=questionnaire,
                item=section("s11"),
                section="s10",
                changed_by=facilitator.user,
            )
        assert refused.value.field == "section"
        drafts.add_item(
            db_session,
            questionnaire=questionnaire,
            item=nested(2, question("other"), prefix="t"),
            changed_by=facilitator.user,
        )
        with pytest.raises(DomainError, match=TOO_DEEP):
            drafts.move_into_section(
                db_session, questionnaire=questionnaire, name="t1", section="s9"
            )
        drafts.move_into_section(db_session, questionnaire=questionnaire, name="t1", section="s8")
    draft = drafts.draft_definition(db_session, questionnaire)
    assert d.section_depth(draft, "t2") == 10  # t1 and t2 now sit under s8


@pytest.fixture
def deep_draft(app, client, auth, db_session, questionnaire, facilitator):
    """Draft sections ten deep plus a section "loose" at the top, and sign the facilitator in."""
    with app.app_context():
        for item in (nested(10), section("loose", question("q_loose"))):
            drafts.add_item(
                db_session, questionnaire=questionnaire, item=item, changed_by=facilitator.user
            )
    db_session.commit()
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}/questionnaires/{questionnaire.id}"


def error_beside(page: str, field: str) -> str:
    """Return the error message shown beside a field of a GOV.UK form."""
    found = re.search(rf'id="{field}-error"[^>]*>(.*?)</p>', page, re.S)
    assert found, f"no error beside {field}"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


def test_the_editor_refuses_a_new_section_past_the_limit_beside_the_place(
    client, deep_draft, db_session
):
    response = client.post(
        f"{deep_draft}/sections/new",
        data={"label": "Too far", "name": "far", "place": "end:s10", "reason": "Try"},
    )
    assert response.status_code == 200
    assert TOO_DEEP in error_beside(response.get_data(as_text=True), "place")


def test_the_editor_refuses_moving_a_section_past_the_limit(client, deep_draft):
    move = f"{deep_draft}/items/loose/move"
    revision = re.search(
        r'name="revision" type="hidden" value="(\d+)"', client.get(move).get_data(as_text=True)
    ).group(1)
    response = client.post(move, data={"place": "end:s10", "reason": "Tidy", "revision": revision})
    assert response.status_code == 200
    assert TOO_DEEP in error_beside(response.get_data(as_text=True), "place")
    allowed = client.post(move, data={"place": "end:s9", "reason": "Tidy", "revision": revision})
    assert allowed.status_code == 302
