"""peer-research: co-produced research in adult social care.

`create_app` builds the Flask application; blueprints are imported inside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

PACKAGE_DIR = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """Return the templates folder: the source tree's, or the copy inside an installed wheel."""
    source = PACKAGE_DIR.parent / "templates"
    return source if source.is_dir() else PACKAGE_DIR / "_templates"


def create_app(
    overrides: Mapping[str, Any] | None = None, *, instance_path: str | None = None
) -> Flask:
    """Build the application: configuration, database, security, blueprints."""
    from peer_research import (
        access,
        accounts,
        assets,
        config,
        edge,
        errors,
        i18n,
        requestlog,
        security,
        studies,
    )
    from peer_research.db import db

    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    config.load_config(app, overrides)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(templates_dir()),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    requestlog.init_app(app)
    edge.init_app(app)  # before access: rules look records up from the address
    db.init_app(app)
    security.init_app(app)
    # The infrastructure knows no domain: the domains it needs are plugged in here.
    access.init_app(app, find_membership=studies.services.find_membership)
    accounts.init_app(app, list_studies=studies.services.studies_of)
    studies.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    assets.init_app(app)
    WTFormsHelpers(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _connect_domains()
    return app


def _register_blueprints(app: Flask) -> None:
    """Attach every domain's routes."""
    from consent.views import blueprint as consent
    from consent.wording.views import blueprint as consent_wording
    from peer_research.accounts.views import blueprint as accounts
    from peer_research.admin.views import blueprint as admin
    from peer_research.audit.views import blueprint as audit
    from peer_research.health import blueprint as health
    from peer_research.notifications.views import blueprint as notifications
    from peer_research.studies.views import blueprint as studies
    from peer_research.wellbeing.views import blueprint as wellbeing
    from surveys.fielding.api import blueprint as api
    from surveys.fielding.pages import blueprint as interviewing
    from surveys.fielding.views import blueprint as fielding

    # The translation pages and their template helpers join the questionnaire blueprint
    # when their modules are imported.
    from surveys.translations import pages, views  # noqa: F401
    from surveys.views import blueprint as surveys

    blueprints = (
        accounts,
        admin,
        audit,
        health,
        notifications,
        studies,
        surveys,
        fielding,
        interviewing,
        api,
        consent,
        consent_wording,
        wellbeing,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    # The activity log names the suggestion or questionnaire each entry is about.
    from peer_research import audit as audit_log
    from surveys.views.activity_log import name_activity

    audit_log.init_app(app, name_subjects=name_activity)


def _register_template_helpers(app: Flask) -> None:
    """Make the shared template helpers available in every template."""
    from peer_research import templating

    templating.init_app(app)


def _connect_domains() -> None:
    """Let the domains react to each other without importing upwards (idempotent).

    Co-design sends signals that its notices receive (`surveys/codesign/signals.py` lists
    them), counts each study's activity as transactions commit, and asks
    `surveys.translations` how translation suggestions read and apply. Fielding takes a
    withdrawn participant's interviews out (or deletes them) when consent says so. The
    consent form's wording is decided by the same engine, which consent reaches through its
    hook.
    """
    from consent.wording import services as consent_wording
    from surveys import translations
    from surveys.codesign import services as codesign
    from surveys.fielding import withdrawals

    codesign.connect_receivers()
    codesign.watch_activity()
    translations.register_kinds()
    withdrawals.connect_receivers()
    consent_wording.register_group_decisions(codesign.consent_form_decisions())
