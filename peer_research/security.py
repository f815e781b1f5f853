"""Security headers, CSRF protection and the sign-in manager."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session
from flask_login import LoginManager, user_logged_in, user_logged_out
from flask_wtf.csrf import CSRFProtect

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
    ]
)

STANDARD_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Invitation and reset links carry secrets in their path: never leak them as referrers.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
}

csrf = CSRFProtect()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Turn on CSRF protection, sign-in sessions and the security headers."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    # How a signed-in person is loaded is the accounts package's business (accounts.init_app).
    user_logged_in.connect(rotate_csrf_token, app)
    user_logged_out.connect(rotate_csrf_token, app)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in STANDARD_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = (
                f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains"
            )
        if request.endpoint != "static":
            # Pages can show personal details: keep them out of shared caches and history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def rotate_csrf_token(_app: Flask, **_extra) -> None:
    """Forget the form token of the session before signing in or out; a new one is made.

    A token someone saw (or planted) before sign-in must not validate forms afterwards.
    Flask-WTF keeps the raw token in the session and caches it on `g` for the request.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
