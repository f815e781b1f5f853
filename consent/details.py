"""A participant's identifiable details, once opened: what they must hold for each method.

The details inside an envelope (every field present; null when not given):
`name` (always), `contact` (only when the participant agreed to be contacted),
`signature` (a PNG data URL, method "signature"), `typed_name` (method "typed_name"),
`witness` (method "verbal"), `consultee` (`name` and `relationship`, method "consultee").
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from consent.content import ConsentContent, StatementPurpose
from consent.models import ConsentMethod
from peer_research.errors import DomainError

MAX_SIGNATURE_BYTES = 200 * 1024
MAX_SIGNATURE_SIDE = 4000  # pixels
MAX_TEXT = 500
PNG_PREFIX = "data:image/png;base64,"
FIELDS = ("name", "contact", "signature", "typed_name", "witness", "consultee")
CONTACT_FIELDS = ("email", "phone", "address")


def check_details(
    details: dict[str, Any],
    *,
    method: ConsentMethod,
    content: ConsentContent,
    answers: dict[str, bool],
) -> None:
    """Raise DomainError, in plain words, when the details do not fit the consent."""
    if set(details) != set(FIELDS):
        raise DomainError(_("The participant's details are not in the expected shape."))
    if not _filled(details["name"]):
        raise DomainError(_("The participant's name is missing."))
    _check_contact(details["contact"], content, answers)
    needs = {
        ConsentMethod.SIGNATURE: "signature",
        ConsentMethod.TYPED_NAME: "typed_name",
        ConsentMethod.VERBAL: "witness",
        ConsentMethod.CONSULTEE: "consultee",
    }[method]
    for name in ("signature", "typed_name", "witness", "consultee"):
        if name != needs and details[name] is not None:
            raise DomainError(
                _("The details hold something that this way of consenting does not use.")
            )
    if method == ConsentMethod.SIGNATURE:
        check_signature(details["signature"])
    elif method == ConsentMethod.TYPED_NAME and not _filled(details["typed_name"]):
        raise DomainError(_("The participant did not type their name."))
    elif method == ConsentMethod.VERBAL and not _filled(details["witness"]):
        raise DomainError(_("Verbal consent needs the name of a witness."))
    elif method == ConsentMethod.CONSULTEE:
        _check_consultee(details["consultee"])


def _filled(value: Any) -> bool:
    """Tell whether a value is text with something in it, and not too long."""
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_TEXT


def _check_contact(contact: Any, content: ConsentContent, answers: dict[str, bool]) -> None:
    """Contact details only when the participant agreed to be contacted."""
    if contact is None:
        return
    agreed = any(answers.get(s.key) for s in content.with_purpose(StatementPurpose.RECONTACT))
    if not agreed:
        raise DomainError(
            _("Contact details were given, but the participant did not agree to be contacted.")
        )
    if not isinstance(contact, dict) or set(contact) - set(CONTACT_FIELDS):
        raise DomainError(_("The contact details are not in the expected shape."))
    values = [contact.get(name) for name in CONTACT_FIELDS]
    if any(value is not None and not isinstance(value, str) for value in values):
        raise DomainError(_("The contact details are not in the expected shape."))
    if any(value and len(value) > MAX_TEXT for value in values):
        raise DomainError(_("The contact details are too long."))


def _check_consultee(consultee: Any) -> None:
    """A consultee declaration needs the consultee's name and relationship."""
    if not isinstance(consultee, dict) or set(consultee) != {"name", "relationship"}:
        raise DomainError(_("A consultee declaration needs the consultee's name and relationship."))
    if not (_filled(consultee["name"]) and _filled(consultee["relationship"])):
        raise DomainError(_("A consultee declaration needs the consultee's name and relationship."))


def check_signature(signature: Any) -> None:
    """A signature is a PNG of at most 200 KB with something drawn on it."""
    if not isinstance(signature, str) or not signature.startswith(PNG_PREFIX):
        raise DomainError(_("The signature is missing."))
    try:
        data = base64.b64decode(signature[len(PNG_PREFIX) :], validate=True)
    except binascii.Error:
        raise DomainError(_("The signature is not a picture we can read.")) from None
    if len(data) > MAX_SIGNATURE_BYTES:
        raise DomainError(
            _(
                "The signature picture is too large (at most %(n)d KB).",
                n=MAX_SIGNATURE_BYTES // 1024,
            )
        )
    if _is_blank(data):
        raise DomainError(_("The signature is empty. Ask the person to sign again."))


def _is_blank(data: bytes) -> bool:
    """Tell whether a PNG shows nothing: fully transparent, or one colour all over."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or max(image.size) > MAX_SIGNATURE_SIDE:
                raise DomainError(_("The signature is not a picture we can read."))
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError(_("The signature is not a picture we can read.")) from None
    if picture.getchannel("A").getextrema()[1] == 0:
        return True
    white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(white, picture).convert("L")
    low, high = grey.getextrema()
    return low == high
