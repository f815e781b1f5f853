"""Values and conversions with XPath's rules: text, numbers (floats) and true/false."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

Value = str | float | bool

NAN = float("nan")
XPATH_SPACE = " \t\n\r"
_NUMBER_TEXT = re.compile(r"[ \t\n\r]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\n\r]*")
_DATE_TEXT = re.compile(r"[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\r]*")
_SPACES = re.compile(r"[ \t\n\r]+")


def answer_value(raw: object) -> Value:
    """Turn an answer as stored (None, text, number, true/false, list of choices) into a value."""
    if raw is None:
        return ""
    if isinstance(raw, bool | str):
        return raw
    if isinstance(raw, numbers.Real):
        try:
            return float(raw)
        except OverflowError:  # an integer beyond the largest float
            return math.inf if raw > 0 else -math.inf
    if isinstance(raw, list | tuple):
        return " ".join(to_string(answer_value(item)) for item in raw)
    if isinstance(raw, date | datetime):
        return raw.isoformat()
    return str(raw)


def lookup(answers: Mapping[str, object], name: str) -> Value:
    """Return the value of a question's answer; an unanswered question is ''."""
    return answer_value(answers.get(name))


def to_string(value: Value) -> str:
    """Convert to text as XPath's string() does (3.0 prints as '3', no exponents)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return number_to_string(value)
    return value


def number_to_string(number: float) -> str:
    """Print a number in plain decimal notation from its shortest round-trip digits."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    text = format(Decimal(repr(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_number(value: Value) -> float:
    """Convert to a number: true is 1, text must look like a number or a date, otherwise NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    match = _NUMBER_TEXT.fullmatch(value)
    if match:
        return float(match.group(1))
    return date_to_days(value)


def to_boolean(value: Value) -> bool:
    """Convert to true/false: non-empty text and numbers other than 0 and NaN are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return value != ""


def date_to_days(text: str) -> float:
    """Return the days since 1970-01-01 of a 'YYYY-MM-DD' date, or NaN if it isn't one."""
    match = _DATE_TEXT.fullmatch(text)
    if not match:
        return NAN
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return NAN
    return float(days_from_civil(year, month, day))


def _days_in_month(year: int, month: int) -> int:
    """Return the number of days in a month of the proleptic Gregorian calendar."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def days_from_civil(year: int, month: int, day: int) -> int:
    """Count days from 1970-01-01 (Howard Hinnant's algorithm, the same in the JavaScript)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def days_to_date(days: float) -> str:
    """Return the 'YYYY-MM-DD' date a number of days after 1970-01-01 (whole days), or ''."""
    if not math.isfinite(days):
        return ""
    whole = math.floor(days) + 719468
    era = whole // 146097
    day_of_era = whole - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + (3 if shifted_month < 10 else -9)
    year = year_of_era + era * 400 + (month <= 2)
    if not 1 <= year <= 9999:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def choices(value: Value) -> list[str]:
    """Split a select-multiple answer ('a b c') into its choices."""
    return [part for part in _SPACES.split(to_string(value)) if part]


def trim(text: str) -> str:
    """Strip XPath whitespace (not every Unicode space, so that both evaluators agree)."""
    return text.strip(XPATH_SPACE)


def normalize_space(text: str) -> str:
    """Collapse runs of XPath whitespace to one space and trim."""
    return _SPACES.sub(" ", text).strip(" ")


def equals(left: Value, right: Value) -> bool:
    """Compare with XPath's `=`: as true/false if either is, else as numbers if either is."""
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if isinstance(left, float) or isinstance(right, float):
        return to_number(left) == to_number(right)
    return left == right


def order(op: str, left: Value, right: Value) -> bool:
    """Compare with `<`, `<=`, `>`, `>=`: numbers if possible, else text in code-point order."""
    if isinstance(left, str) and isinstance(right, str):
        if left == "" or right == "":
            return False
        x, y = to_number(left), to_number(right)
        if math.isnan(x) or math.isnan(y):
            return _ORDER[op](left, right)
        return _ORDER[op](x, y)
    return _ORDER[op](to_number(left), to_number(right))


_ORDER = {
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def arithmetic(op: str, x: float, y: float) -> float:
    """Apply + - * div mod with IEEE results (1 div 0 is Infinity, 0 div 0 is NaN)."""
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        if y == 0:
            if x == 0 or math.isnan(x):
                return NAN
            return math.copysign(math.inf, x) * math.copysign(1.0, y)
        return x / y
    if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
        return NAN
    return math.fmod(x, y)  # the remainder takes the sign of x, as in XPath and JavaScript


def truncate(number: float) -> float:
    """Drop the fraction, towards zero (keeping -0 and NaN as JavaScript does)."""
    if not math.isfinite(number):
        return number
    return math.copysign(float(math.trunc(number)), number)


def round_half_away(number: float, digits: float = 0.0) -> float:
    """Round the number as written (shortest digits) to `digits` places, halves away from 0."""
    digits = truncate(digits)
    if math.isnan(digits):
        return NAN
    if not math.isfinite(number):
        return number
    exact = Decimal(repr(number))
    exponent = exact.as_tuple().exponent
    if not isinstance(exponent, int) or digits >= -exponent:
        return number
    if digits < -400:  # every float is below 0.5e400
        return math.copysign(0.0, number)
    return float(exact.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP))


def to_integer_like(number: float, bound: int) -> int:
    """Return a whole number clamped to 0..bound (NaN counts as 0)."""
    if math.isnan(number):
        return 0
    return int(max(0.0, min(float(bound), truncate(number))))
