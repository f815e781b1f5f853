"""The participant's copy of a consent and the confirmation of a withdrawal, as PDFs.

Everything here takes plain values (the form's wording, the answers, the opened details)
and knows nothing of the database: the pages and the benchmark gather the values, these
functions lay them out through `peer_research.pdf`. The copy is printed in the language the
participant consented in.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import current_app, render_template
from flask_babel import force_locale, get_locale

from consent.content import ConsentContent, Statement
from consent.models import ConsentMethod, WithdrawalChoice
from peer_research.pdf import IMAGE_SCHEME, render_pdf

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_DATA_URL = "data:image/png;base64,"
MAX_SIGNATURE_BYTES = 200 * 1024  # as the envelope allows
SIGNATURE_IMAGE = "signature"


@dataclass(frozen=True)
class OpenedDetails:
    """What identifies a participant, as it was inside the sealed envelope."""

    name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    signature_png: bytes | None = None
    typed_name: str | None = None
    witness: str | None = None
    consultee_name: str | None = None
    consultee_relationship: str | None = None

    @property
    def has_contact(self) -> bool:
        """Tell whether any way to contact the participant was kept."""
        return bool(self.email or self.phone or self.address)

    @property
    def signature_data_url(self) -> str | None:
        """Return the signature as a `data:` URL for a page, or None."""
        if not self.signature_png:
            return None
        return PNG_DATA_URL + base64.b64encode(self.signature_png).decode("ascii")


def _text(value: Any) -> str | None:
    """Return a non-empty string, or None."""
    return value.strip() or None if isinstance(value, str) else None


def signature_png(data_url: Any) -> bytes | None:
    """Return the PNG bytes of a `data:image/png;base64,` URL, or None when it is not one
    (another kind of picture, broken base64, not a PNG, too big)."""
    if not isinstance(data_url, str) or not data_url.startswith(PNG_DATA_URL):
        return None
    if len(data_url) > len(PNG_DATA_URL) + MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        return None
    try:
        data = base64.b64decode(data_url[len(PNG_DATA_URL) :], validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if data.startswith(PNG_SIGNATURE) and len(data) <= MAX_SIGNATURE_BYTES else None


def opened_details(details: Mapping[str, Any]) -> OpenedDetails:
    """Return the details the envelope held (see the contract's JSON), leniently: a field
    of the wrong kind is shown as missing rather than breaking the page."""
    contact = details.get("contact") if isinstance(details.get("contact"), dict) else {}
    consultee = details.get("consultee") if isinstance(details.get("consultee"), dict) else {}
    return OpenedDetails(
        name=_text(details.get("name")) or "",
        email=_text(contact.get("email")),
        phone=_text(contact.get("phone")),
        address=_text(contact.get("address")),
        signature_png=signature_png(details.get("signature")),
        typed_name=_text(details.get("typed_name")),
        witness=_text(details.get("witness")),
        consultee_name=_text(consultee.get("name")),
        consultee_relationship=_text(consultee.get("relationship")),
    )


@dataclass(frozen=True)
class AnsweredStatement:
    """A consent statement and the participant's answer."""

    text: str
    easy_read: str
    required: bool
    agreed: bool


@dataclass(frozen=True)
class ParticipantCopy:
    """Everything the participant's copy of one consent shows."""

    study_title: str
    participant_code: str
    version_number: int
    language: str
    method: ConsentMethod
    given_at: datetime
    content: ConsentContent
    answers: Mapping[str, bool]
    details: OpenedDetails | None  # None: removed by a withdrawal
    # Easy-read pictures by stored name: their bytes and content type.
    pictures: Mapping[str, tuple[bytes, str]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Return the form's title in the participant's language."""
        return self.content.pick(self.content.title, self.language) or ""

    @property
    def statements(self) -> list[AnsweredStatement]:
        """Return each statement in the participant's language, with their answer."""
        return [self._answered(statement) for statement in self.content.statements]

    def _answered(self, statement: Statement) -> AnsweredStatement:
        main = self.content.main_language
        return AnsweredStatement(
            text=statement.text_in(self.language, main),
            easy_read=statement.easy_read_in(self.language, main),
            required=statement.required,
            agreed=self.answers.get(statement.key) is True,
        )

    @property
    def sheet(self) -> tuple:
        """Return the information sheet in the participant's language."""
        return self.content.pick(self.content.sheet, self.language) or ()

    @property
    def easy_read_sheet(self) -> tuple:
        """Return the easy-read sheet in the participant's language (empty when none)."""
        return self.content.pick(self.content.easy_read, self.language) or ()

    @property
    def withdraw(self) -> str:
        """Return how to withdraw, in the participant's language."""
        return self.content.pick(self.content.withdraw, self.language) or ""


def interface_locale(language: str) -> str:
    """Return the locale for a consent form's language code ("en-GB" is "en_GB"), or the
    current one when the code names no locale we know (the form's own words still show)."""
    try:
        return str(Locale.parse(language.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return str(get_locale() or "en")


def text_direction(language: str) -> str:
    """Return "rtl" for a language written right to left (Arabic, Urdu...), else "ltr"."""
    try:
        order = Locale.parse(language.replace("-", "_")).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


def copy_html(copy: ParticipantCopy, *, easy_read: bool = False) -> str:
    """Return the HTML of the participant's copy (or its easy-read copy), in their language."""
    with force_locale(interface_locale(copy.language)):
        return render_template(
            "consent/copy_pdf.html",
            copy=copy,
            direction=text_direction(copy.language),
            easy_read=easy_read,
            ConsentMethod=ConsentMethod,
            signature_src=IMAGE_SCHEME + SIGNATURE_IMAGE,
            picture_src=lambda name: IMAGE_SCHEME + "picture-" + name,
        )


def copy_pdf(copy: ParticipantCopy, *, easy_read: bool = False) -> bytes:
    """Return the participant's copy (or its easy-read copy) as a PDF."""
    images: dict[str, tuple[bytes, str]] = {}
    if copy.details is not None and copy.details.signature_png:
        images[SIGNATURE_IMAGE] = (copy.details.signature_png, "image/png")
    if easy_read:
        for name, picture in copy.pictures.items():
            images["picture-" + name] = picture
    return render_pdf(copy_html(copy, easy_read=easy_read), static_folder=_static(), images=images)


@dataclass(frozen=True)
class WithdrawalConfirmation:
    """Everything the confirmation of a withdrawal shows."""

    study_title: str
    participant_code: str
    choice: WithdrawalChoice
    recorded_at: datetime
    recorded_by: str
    reason: str


def withdrawal_html(confirmation: WithdrawalConfirmation) -> str:
    """Return the HTML of a withdrawal's confirmation."""
    return render_template(
        "consent/withdrawal_pdf.html", confirmation=confirmation, WithdrawalChoice=WithdrawalChoice
    )


def withdrawal_pdf(confirmation: WithdrawalConfirmation) -> bytes:
    """Return a withdrawal's confirmation as a PDF."""
    return render_pdf(withdrawal_html(confirmation), static_folder=_static())


def _static() -> Path:
    return Path(current_app.static_folder or ".")
