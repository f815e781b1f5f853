"""The forms every change ends with: why, decide by, and three ways to send it; and the form
that puts one's own draft suggestion to the group."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import StringField, SubmitField
from wtforms.validators import Length, ValidationError

from peer_research.forms import DayField, decide_by_day, decide_by_field

__all__ = ["DayField", "decide_by_day", "decide_by_field"]


def reason_field(description: str) -> StringField:
    """Return a "Why?" box; whether it must be filled in depends on the button pressed."""
    return StringField(
        _l("Why?"),
        widget=GovTextArea(),
        description=description,
        validators=[Length(max=5000, message=_l("Use 5,000 characters or fewer"))],
    )


def require_words(field: StringField) -> None:
    """Ask for the reason in the person's own words when the box is empty."""
    if not (field.data or "").strip():
        raise ValidationError(_l("Say in your own words why you suggest this"))


class SuggestionForm(FlaskForm):
    """The fields every change form ends with: why, decide by, and three ways to send it.

    "Save as a draft" keeps a change to finish later, so it needs no reason yet; putting
    it to the group, or making it now, does.
    """

    reason = reason_field(
        _l(
            "In your own words, so the group understands what you have in mind. "
            "You can leave this empty if you save a draft."
        )
    )
    deadline = decide_by_field(required=False)
    suggest = SubmitField(_l("Suggest this change"), widget=GovSubmitInput())
    save_draft = SubmitField(_l("Save as a draft"), widget=GovSubmitInput())
    change_now = SubmitField(_l("Make this change now, without a vote"), widget=GovSubmitInput())

    def validate_reason(self, field: StringField) -> None:
        """Ask for the reason unless the change is only saved as a draft."""
        if self.suggest.data or self.change_now.data:
            require_words(field)

    def validate_deadline(self, field: DayField) -> None:
        """Ask for the day only when the change is put to the group now."""
        if self.suggest.data:
            decide_by_day(self, field)


class PutToGroupForm(FlaskForm):
    """Put one's own draft suggestion to the group, to decide by a day.

    A draft saved without a reason shows the "Why?" box too; the service asks for it.
    """

    reason = reason_field(_l("In your own words, so the group understands what you have in mind."))
    deadline = decide_by_field()
    submit = SubmitField(_l("Put it to the group"), widget=GovSubmitInput())
