"""Hostile input, the way the probe sent it: every route, every kind of visitor, no 5xx.

For each identity of the access matrix this walks every route of `app.url_map` with NUL
bytes and over-long text in every URL part, form field and query string, ids that no
database column can hold (2^31, 2^63, 2^64) and negative ones in every id part of the
address and every hidden field, and dates that are not dates, all with a valid CSRF token.
It counts the answers of 500 and above: there must be none.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from test_access_matrix import IDENTITIES, url_for_endpoint, world  # noqa: F401

NUL = "\x00"
HUGE_IDS = ("2147483648", "9223372036854775808", "18446744073709551616", "-1")
LONG_TEXT = "Long words " * 3000
HOSTILE_QUERY = {
    "next": "/\x00",
    "language": "en\x00",
    "from": "2147483648",
    "to": "v\x00",
    "questionnaire": "9223372036854775808",
    "proposal": "2147483648",
    "section": "9223372036854775808",
    "target": "a\x00b",
    "type": "\x00",
    "page": "99999999999999999999999",
    "missing": "1",
}
# A placeholder id that stands in for an id part of the address, then is swapped out.
PLACEHOLDER = 987654
# Actions that end the visitor's session or change who they are run after the others.
RUN_LAST = ("sign_out", "remove", "withdraw", "cancel")


class FormFields(HTMLParser):
    """Collect the names, kinds and first values of the fields on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, tuple[str, str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note each input, text area and select (the first option is its value)."""
        attributes = {key: value or "" for key, value in attrs}
        name = attributes.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = attributes.get("type", "text")
            if kind not in ("submit", "button", "file"):
                self.fields.setdefault(name, (kind, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self.fields.setdefault(name, ("textarea", ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self.fields.setdefault(self._select, ("select", attributes.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        """Leave a select."""
        if tag == "select":
            self._select = None


def fields_of(html: str) -> dict[str, tuple[str, str]]:
    """Return the form fields of a page."""
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def is_date_part(name: str) -> bool:
    """Tell whether a field is part of a date."""
    return bool(re.search(r"(day|month|year|date|deadline)$", name))


def hostile_forms(fields: dict[str, tuple[str, str]]) -> list[dict[str, str]]:
    """Return the forms to send: NUL bytes, long text, bad dates and huge ids."""
    base = {name: value for name, (_kind, value) in fields.items()}
    typed = {name for name, (kind, _v) in fields.items() if kind in ("text", "textarea", "email")}
    typed |= {name for name, (kind, _v) in fields.items() if kind in ("password", "search")}
    hidden = {name for name, (kind, _v) in fields.items() if kind in ("hidden", "number")}
    dates = {name for name in fields if is_date_part(name)}
    return [
        {**base, **dict.fromkeys(typed, f"Hello{NUL}there")},
        {name: f"{value}{NUL}" for name, value in base.items()},
        {**base, **dict.fromkeys(typed, LONG_TEXT)},
        {**base, **dict.fromkeys(dates, "99999999999999999999")},
        {**base, **dict.fromkeys(dates, "31-02"), **dict.fromkeys(typed, "")},
        {**base, **dict.fromkeys(hidden, "9223372036854775808")},
        {**base, **dict.fromkeys(hidden, "-2147483649")},
    ]


def address_variants(app, endpoint: str, values: dict, token: str) -> list[str]:
    """Return the route's address with each part made hostile in turn."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    addresses = []
    for argument in sorted(rule.arguments):
        if argument == "token" and endpoint == "studies.join_study":
            continue  # the invitation token is added by url_for_endpoint itself
        if isinstance(values[argument], int):
            marked = url_for_endpoint(app, endpoint, {**values, argument: PLACEHOLDER}, token)
            addresses += [marked.replace(str(PLACEHOLDER), huge) for huge in HUGE_IDS]
        else:
            marked = url_for_endpoint(app, endpoint, {**values, argument: "placeholder"}, token)
            for hostile in (f"a{NUL}b", "x" * 2000):
                addresses.append(marked.replace("placeholder", quote(hostile, safe="")))
    return addresses


def run_last(endpoint: str) -> bool:
    """Tell whether an endpoint may end the session or remove what other routes use."""
    return any(word in endpoint for word in RUN_LAST)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_route_answers_hostile_input_with_a_server_error(app, client, auth, world, identity):  # noqa: F811
    """Every route answers NUL bytes, huge ids, long text and bad dates without a 5xx."""
    people, values, token = world
    failures: list[tuple[str, str, int]] = []

    def send(method: str, url: str, **kwargs) -> str:
        """Send one request, note a server error, and return the page."""
        if method == "POST" and "json" in kwargs:
            kwargs["headers"] = {"X-CSRFToken": client.csrf_token()}
        elif method == "POST":
            kwargs["data"] = {**kwargs.get("data", {}), "csrf_token": client.csrf_token()}
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:  # an error page that fails too escapes the test client
            failures.append((method, url[:100], endpoint_of(url), type(error).__name__))
            return ""
        body = response.get_data().decode(errors="replace")
        response.close()
        if response.status_code >= 500:
            failures.append((method, url[:100], endpoint_of(url), response.status_code))
        if identity != "anonymous" and "sign_out" in url_endpoint.get("name", ""):
            auth.sign_in(people[identity])
        return body

    def endpoint_of(url: str) -> str:
        """Name the route the request went to."""
        return url_endpoint["name"]

    if identity != "anonymous":
        auth.sign_in(people[identity])
    endpoints = sorted(
        (rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda endpoint: (run_last(endpoint), endpoint),
    )
    url_endpoint: dict[str, str] = {}
    for endpoint in dict.fromkeys(endpoints):
        url_endpoint["name"] = endpoint
        rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        url = url_for_endpoint(app, endpoint, values, token)
        fields: dict[str, tuple[str, str]] = {}
        if "GET" in methods:
            fields = fields_of(send("GET", url, query_string=HOSTILE_QUERY))
        for address in address_variants(app, endpoint, values, token):
            for method in methods:
                send(method, address)
        if "POST" in methods:
            if endpoint == "surveys.check_logic":
                send("POST", url, json={"expression": f"${{a}}{NUL}", "name": NUL})
            for form in hostile_forms(fields) if fields else [{"text": f"a{NUL}"}]:
                send("POST", url, data=form)
    routes = sorted({failure[2] for failure in failures})
    assert failures == [], f"{len(failures)} 5xx for {identity} on {routes}: {failures[:5]}"
