"""Layout, error pages, security headers, request ids and the health check."""

from __future__ import annotations

import re

import pytest

from peer_research import create_app
from peer_research.access import PUBLIC, allow

from support import config_for_tests, fresh_database_url, page_text


def test_every_page_has_language_skip_link_and_no_inline_script(client):
    body = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="en"' in body
    assert 'href="#main-content"' in body and 'id="main-content"' in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "inline script found"
    assert "style=" not in body


def test_security_headers_are_strict(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client, auth, make_user):
    response = client.post(
        "/sign-in",
        data={"username": make_user().username, "password": "correct horse battery staple"},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app):
    production = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 64})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True


def test_missing_page_uses_the_site_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = page_text(response)
    assert "Page not found" in page and "Skip to main content" in page


def test_wrong_method_gets_a_page_not_a_crash(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "That action is not possible here" in page_text(response)


def test_unexpected_error_shows_a_plain_page_without_details(database_url, tmp_path):
    app = create_app(config_for_tests(database_url), instance_path=str(tmp_path))

    @app.get("/boom")
    @allow(PUBLIC)
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = page_text(response)
    assert "Sorry, something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_route_without_a_rule_is_refused(database_url, tmp_path):
    app = create_app(config_for_tests(database_url), instance_path=str(tmp_path))
    app.add_url_rule("/forgotten", "forgotten", lambda: "open")
    assert app.test_client().get("/forgotten").status_code == 403


def test_request_id_is_returned_and_an_incoming_one_kept(client):
    assert len(client.get("/").headers["X-Request-ID"]) == 32
    kept = client.get("/", headers={"X-Request-ID": "lb-1234567890"})
    assert kept.headers["X-Request-ID"] == "lb-1234567890"
    replaced = client.get("/", headers={"X-Request-ID": "<script>"})
    assert replaced.headers["X-Request-ID"] != "<script>"


def test_request_logs_carry_the_request_id(client, capsys):
    request_id = "trace-abcdef123"
    client.get("/", headers={"X-Request-ID": request_id})
    assert f"[{request_id}]" in capsys.readouterr().err


def test_health_reports_a_migrated_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "current"}


def test_health_reports_a_database_that_is_not_migrated(tmp_path):
    url = fresh_database_url(None, "empty", tmp_path)
    app = create_app(config_for_tests(url), instance_path=str(tmp_path))
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["migrations"] == "behind"


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/app.js"])
def test_static_assets_are_served(client, path):
    response = client.get(path)
    assert response.status_code == 200
    response.close()


def test_static_files_are_addressed_by_content_and_kept_for_a_year(app, client):
    """Pages link versioned static files that browsers may keep; unversioned ones revalidate."""
    page = client.get("/").get_data(as_text=True)
    stylesheet = next(
        part.split('"')[0] for part in page.split('href="')[1:] if "/static/css/" in part
    )
    assert "?v=" in stylesheet
    with client.get(stylesheet) as versioned:
        assert versioned.status_code == 200
        assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get(stylesheet.split("?")[0]) as plain:
        assert "immutable" not in plain.headers.get("Cache-Control", "")
