"""The forms of the discussions: a comment or a reply, and a reaction."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from surveys.codesign import services as codesign


def _strip(value: str | None) -> str | None:
    """Trim the spaces around a comment (so spaces alone count as empty)."""
    return value.strip() if value else value


class CommentForm(FlaskForm):
    """Write a comment or a reply (the page gives the label and the button its words)."""

    body = StringField(
        _l("Your comment"),
        widget=GovTextArea(),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Write your comment")),
            Length(max=codesign.MAX_COMMENT_LENGTH, message=_l("Use 5,000 characters or fewer")),
        ],
    )


class ReactForm(FlaskForm):
    """Turn one reaction to a comment on or off (the pressed button gives its value)."""

    reaction = StringField()
