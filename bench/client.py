"""A tiny cookie-keeping HTTP client for setting up a signed-in session."""

from __future__ import annotations

import http.client
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode


class CsrfTokenParser(HTMLParser):
    """Find the value of the first hidden csrf_token input in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Remember the csrf_token input's value."""
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token" and self.token is None:
            self.token = values.get("value")


@dataclass
class Browser:
    """Send requests to one server, keeping its cookies like a browser would."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> dict[str, str]:
        """Return the Cookie header for the cookies held so far."""
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """Send one request (a form POST when form is given); return the status and body."""
        headers = {**self.cookie_header(), **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for set_cookie in response.headers.get_all("Set-Cookie") or []:
                parsed = SimpleCookie(set_cookie)
                self.cookies.update({name: morsel.value for name, morsel in parsed.items()})
            return response.status, text
        finally:
            connection.close()

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the sign-in form, as a person would."""
        status, page = self.request("GET", "/sign-in")
        parser = CsrfTokenParser()
        parser.feed(page)
        if status != 200 or not parser.token:
            raise RuntimeError(f"GET /sign-in answered {status} without a csrf_token field")
        form = {"csrf_token": parser.token, "username": username, "password": password}
        status, page = self.request("POST", "/sign-in", form)
        if status != 302:
            raise RuntimeError(f"signing in as {username} answered {status}, not a redirect")
