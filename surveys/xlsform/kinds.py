"""What each XLSForm `type` means to peer-research: a question type we ask, or one we cannot.

Type names and their aliases come from pyxform (`QUESTION_TYPE_DICT`, `aliases.select`,
`aliases.control`), so every spelling pyxform accepts is recognised here too.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

from pyxform import aliases, constants
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from surveys.definition import QuestionType


class Unfieldable(enum.Enum):
    """Kinds of XLSForm question that peer-research interviews cannot ask as written."""

    LOCATION = "location"
    BARCODE = "barcode"
    MEDIA = "media"
    DATETIME = "datetime"
    METADATA = "metadata"
    HIDDEN = "hidden"
    EXTERNAL = "external"
    RANGE = "range"


@dataclass(frozen=True)
class Kind:
    """What a row's type means: a question type, a section boundary or something we cannot ask."""

    type: QuestionType | None = None
    unfieldable: Unfieldable | None = None
    begin: str = ""  # "group", "repeat" or "loop" on a begin row
    end: str = ""  # "group", "repeat" or "loop" on an end row
    select: str = ""  # "select_one", "select_multiple" or "rank" on a choice question
    list_name: str = ""
    or_other: bool = False
    from_file: bool = False
    written: str = ""  # the type as written in the sheet


_BEGIN = re.compile(
    r"^begin[\s_](?P<type>"
    + "|".join(map(re.escape, aliases.control))
    + r")(?:\s+(?:over\s+)?(?P<list>\S+))?$"
)
_END = re.compile(r"^end[\s_](?P<type>" + "|".join(map(re.escape, aliases.control)) + r")$")
_SELECT = re.compile(
    r"^(?P<command>"
    + "|".join(map(re.escape, sorted(aliases.select, key=len, reverse=True)))
    + r")\s+(?P<list>\S+)(?:\s+(?P<other>or specify other|or_other|or other))?$"
)
_OSM = re.compile(r"^osm\s+\S+$")
_CALCULATE_NAMES = frozenset({"calculate", "q calculate", "add calculate prompt"})
_NOTE_NAMES = frozenset({"note", "q note", "add note prompt"})
_METADATA_ACTIONS = frozenset({"start-geopoint", "background-audio", "background-geopoint"})
_BY_BIND_TYPE = {
    "int": QuestionType.INTEGER,
    "decimal": QuestionType.DECIMAL,
    "date": QuestionType.DATE,
    "time": QuestionType.TIME,
}


def classify(written: str) -> Kind | None:
    """Return what a written type means, or None if it is not an XLSForm type at all."""
    text = " ".join(written.split())
    begin = _BEGIN.match(text)
    if begin:
        control = aliases.control[begin["type"]]
        return Kind(begin=control, list_name=begin["list"] or "", written=text)
    end = _END.match(text)
    if end:
        return Kind(end=aliases.control[end["type"]], written=text)
    select = _SELECT.match(text)
    if select:
        return _select_kind(select, text)
    if text in ("select_one_external", "select one external"):
        return Kind(unfieldable=Unfieldable.EXTERNAL, written=text)
    if _OSM.match(text):
        return Kind(unfieldable=Unfieldable.MEDIA, written=text)
    return _simple_kind(text) or _simple_kind(text.lower())


def _select_kind(match: re.Match[str], text: str) -> Kind:
    """Return the kind of a choice question's type."""
    command = match["command"]
    meaning = aliases.select[command]
    from_file = command in aliases.select_from_file or meaning == constants.SELECT_ONE_EXTERNAL
    if meaning == constants.RANK:
        select = "rank"
    elif meaning in (constants.SELECT_ONE, constants.SELECT_ONE_EXTERNAL):
        select = "select_one"
    else:
        select = "select_multiple"
    kind = Kind(
        select=select,
        list_name=match["list"],
        or_other=bool(match["other"]),
        from_file=from_file,
        written=text,
    )
    return replace(kind, unfieldable=Unfieldable.EXTERNAL) if from_file else kind


def _simple_kind(text: str) -> Kind | None:
    """Return the kind of a type without a choice list, using pyxform's table of types."""
    spec = QUESTION_TYPE_DICT.get(text)
    if spec is None:
        return None
    bind_type = spec.get("bind", {}).get("type")
    tag = spec.get("control", {}).get("tag")
    appearance = spec.get("control", {}).get("appearance", "")
    if text in _CALCULATE_NAMES:
        return Kind(type=QuestionType.CALCULATE, written=text)
    if text == "hidden":
        return Kind(unfieldable=Unfieldable.HIDDEN, written=text)
    if text in _METADATA_ACTIONS or tag in (None, "action"):
        return Kind(unfieldable=Unfieldable.METADATA, written=text)
    if tag == "trigger":
        return Kind(type=QuestionType.ACKNOWLEDGE, written=text)
    if tag == "upload" or bind_type == "binary":
        return Kind(unfieldable=Unfieldable.MEDIA, written=text)
    if tag == "range":
        return Kind(unfieldable=Unfieldable.RANGE, written=text)
    if bind_type in ("geopoint", "geotrace", "geoshape"):
        return Kind(unfieldable=Unfieldable.LOCATION, written=text)
    if bind_type == "barcode":
        return Kind(unfieldable=Unfieldable.BARCODE, written=text)
    if bind_type == "dateTime":
        return Kind(unfieldable=Unfieldable.DATETIME, written=text)
    if bind_type in _BY_BIND_TYPE and tag == "input":
        return Kind(type=_BY_BIND_TYPE[bind_type], written=text)
    if bind_type == "string" and tag == "input" and not appearance.startswith("ex:"):
        note = text in _NOTE_NAMES
        return Kind(type=QuestionType.NOTE if note else QuestionType.TEXT, written=text)
    return None


# What each kind of unfieldable question asks for, in words, for the report.
_MEDIA_WORDS = {
    "image": "takes a photo",
    "photo": "takes a photo",
    "audio": "records sound",
    "video": "records a video",
    "file": "attaches a file",
    "osm": "draws on an OpenStreetMap map",
}
_METADATA_WORDS = {
    "start": "notes when the interview started",
    "end": "notes when the interview ended",
    "today": "notes the date of the interview",
    "deviceid": "notes the tablet's device number",
    "phonenumber": "notes the tablet's phone number",
    "username": "notes the interviewer's user name",
    "email": "notes the interviewer's e-mail address",
    "simserial": "notes the tablet's SIM card number",
    "subscriberid": "notes the tablet's subscriber number",
    "audit": "keeps a log of every tap in the interview",
    "start-geopoint": "notes where the interview started",
    "background-geopoint": "notes a GPS location in the background",
    "background-audio": "records sound for the whole interview",
    "xml-external": "reads a separate data file",
    "csv-external": "reads a separate data file",
}


def what_it_asks(kind: Kind, appearance: str) -> str:
    """Return what an unfieldable row asks for, e.g. "asks for a GPS location"."""
    text = kind.written.lower()
    base = text.removeprefix("uri:").split()[0]
    if kind.unfieldable is Unfieldable.LOCATION:
        return "asks for a GPS location"
    if kind.unfieldable is Unfieldable.BARCODE:
        return "scans a barcode"
    if kind.unfieldable is Unfieldable.MEDIA:
        if "signature" in appearance.split():
            return "asks for a signature drawn on the screen"
        return _MEDIA_WORDS.get(base, "records a photo, sound, video or file")
    if kind.unfieldable is Unfieldable.DATETIME:
        return "asks for a date and a time of day together"
    if kind.unfieldable is Unfieldable.METADATA:
        return _METADATA_WORDS.get(base, "notes details of the tablet or the interview")
    if kind.unfieldable is Unfieldable.HIDDEN:
        return "keeps a hidden value"
    if kind.unfieldable is Unfieldable.EXTERNAL:
        return "takes its choices from a separate file that is not part of this upload"
    if kind.unfieldable is Unfieldable.RANGE:
        return "asks for a number on a slider"
    return "is a kind of question"
