"""The interviewer's pages on the tablet: the fieldwork home, the check-in, the consent step,
the interview, the debrief, support, and the installable app's service worker and manifest.

A visit on the tablet runs check-in → consent → interview → debrief (static/js/fielding/
journey.js chains the steps). The check-in and the debrief ask the study's own wellbeing
questions (from `peer_research.wellbeing.services.tablet_bundle`) with the interview's
question macros; what the interviewer answers is kept in IndexedDB and sent with the
interviews. "I'd like to talk to someone" is on every page (templates/surveys/fielding/
_talk.html), and the study's support resources are on the support page and after every
debrief, kept offline with the pages. The consent
step is drawn once per published consent form version and language, like the interview, and
kept by the service worker; what the participant says is sealed in the browser
(static/js/fielding/seal.js) before anything is stored.

The interview is drawn by the same question macros as the preview (one question per screen),
once per published version and language, and kept by the service worker: a version never
changes, so the page the tablet keeps is the interview. What is answered lives in the
browser's IndexedDB (static/js/fielding/), never on these pages.
"""

from __future__ import annotations

import json
from functools import cache

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consent import services as consent_services
from peer_research.access import allow, members_with
from peer_research.db import db
from peer_research.wellbeing import services as wellbeing_services
from surveys import definition as d
from surveys.fielding import screens
from surveys.rendering import RenderContext

blueprint = Blueprint("interviewing", __name__)
BASE = "/studies/<study_slug>/interviewing"
INTERVIEWERS = members_with("peer_researcher")  # the value of studies' Role.PEER_RESEARCHER
DEFAULT_API = "/api/v1"


@cache
def _shell(static_folder: str) -> tuple[list[str], str]:
    """Return the app's static files and their fingerprint (files change only on release)."""
    files = screens.shell_files(static_folder)
    return files, screens.shell_build(static_folder, files)


def _version_or_404(version_id: int) -> screens.FieldworkVersion:
    """Return a published version of this study's questionnaires, or answer 404."""
    found = screens.study_version(db.session, g.study, version_id)
    if found is None:
        abort(404, _("That questionnaire version has not been published in this study."))
    return found


def _language_or_404(definition: d.FormDefinition, code: str) -> d.Language:
    """Return one of the questionnaire's languages by code, or answer 404."""
    for language in definition.languages:
        if language.code == code:
            return language
    abort(404, _("This questionnaire is not written in that language."))


def _interview_urls(found: screens.FieldworkVersion) -> list[str]:
    """Return what the tablet keeps for a version: its page in each language, its pictures."""
    questionnaire_id = found.questionnaire.id
    pages = [
        url_for("interviewing.show_interview", version_id=found.version.id, language=lang.code)
        for lang in found.definition.languages
    ]
    pictures = [
        url_for("surveys.show_media", questionnaire_id=questionnaire_id, stored_name=name)
        for name in found.pictures
    ]
    return pages + pictures


def consent_picture_url(study_slug: str, stored_name: str) -> str:
    """Return the address of an easy-read picture of the study's consent form (served by
    the consent wording pages)."""
    return url_for("consent_wording.show_picture", study_slug=study_slug, stored_name=stored_name)


def consent_copy_prefix(study_slug: str) -> str:
    """Return the address a participant's copy of a consent is under: the tablet adds the
    consent's uuid (`consent.show_copy`, /studies/<slug>/consent/copies/<uuid>)."""
    sample = url_for("consent.show_copy", study_slug=study_slug, consent_uuid="-")
    return sample[:-1]


def _consent_pages(bundle: dict[str, object]) -> dict[str, str]:
    """Return the consent step's page in each language of the study's current form."""
    form = bundle.get("form")
    if not isinstance(form, dict):
        return {}
    return {
        language: url_for(
            "interviewing.show_consent", version_id=form["version_id"], language=language
        )
        for language in form["languages"]
    }


def _consent_urls(pages: dict[str, str]) -> list[str]:
    """Return what the tablet keeps for the consent step: its pages and easy-read pictures."""
    version = consent_services.current_version(db.session, g.study.id)
    if version is None:
        return []
    content = consent_services.read_content(version.content)
    pictures = {
        part.picture
        for parts in content.easy_read.values()
        for part in parts
        if part.picture is not None
    }
    return [*pages.values()] + [
        consent_picture_url(g.study.slug, name) for name in sorted(pictures)
    ]


def _consent_bundle() -> dict[str, object]:
    """Return the study's consent bundle for the tablet, making the study's key pair the
    first time (the one write this page may do)."""
    if consent_services.study_key(db.session, g.study.id) is None:
        with db.writing() as session:
            consent_services.ensure_study_key(
                session, g.study, consent_services.configured_key_dir()
            )
    return consent_services.tablet_bundle(db.session, g.study)


def _app_settings() -> dict[str, object]:
    """Return what every fieldwork page tells its scripts: who, which study, where to send."""
    return {
        "owner": str(current_user.id),
        "study": g.study.slug,
        "api": current_app.config.get("FIELDING_API_BASE", DEFAULT_API),
        "home": url_for("interviewing.show_fieldwork"),
        "support": url_for("interviewing.show_support"),
        "checkIn": url_for("interviewing.show_check_in"),
        "debrief": url_for("interviewing.show_debrief"),
        "worker": url_for("interviewing.service_worker"),
        "scope": url_for("interviewing.show_fieldwork"),
        "signIn": url_for("accounts.sign_in", next=url_for("interviewing.show_fieldwork")),
    }


@blueprint.get(f"{BASE}/")
@allow(INTERVIEWERS)
def show_fieldwork():
    """Show the interviewer's home: start an interview, resume one, and the send queue."""
    versions = screens.fieldwork_versions(db.session, g.study)
    bundle = _consent_bundle()
    consent_pages = _consent_pages(bundle)
    settings = {
        **_app_settings(),
        # The consent bundle (form, study key, participants by code) rides in the page, so
        # the app has it offline too; it holds no names.
        "consent": bundle,
        "consentPages": consent_pages,
        "copies": consent_copy_prefix(g.study.slug),
    }
    return render_template(
        "surveys/fielding/home.html",
        versions=versions,
        consent_form=bundle.get("form"),
        settings=settings,
        keep=[url for found in versions for url in _interview_urls(found)]
        + _consent_urls(consent_pages),
    )


@blueprint.get(f"{BASE}/versions/<int:version_id>/<language>")
@allow(INTERVIEWERS)
def show_interview(version_id: int, language: str):
    """Show the interview of one published version in one language, a question per screen."""
    found = _version_or_404(version_id)
    chosen = _language_or_404(found.definition, language)
    context = RenderContext(
        definition=found.definition,
        language=chosen,
        image_url=lambda stored_name: url_for(
            "surveys.show_media",
            questionnaire_id=found.questionnaire.id,
            stored_name=stored_name,
        ),
    )
    return render_template(
        "surveys/fielding/interview.html",
        found=found,
        definition=found.definition,
        language=chosen,
        ctx=context,
        settings=_app_settings(),
    )


@blueprint.get(f"{BASE}/consent/<int:version_id>/<language>")
@allow(INTERVIEWERS)
def show_consent(version_id: int, language: str):
    """Show the consent step of a published consent form version in one language."""
    version = consent_services.published_version(db.session, g.study.id, version_id)
    if version is None:
        abort(404, _("That consent form version has not been published in this study."))
    content = consent_services.read_content(version.content)
    if language not in content.languages:
        abort(404, _("This consent form is not written in that language."))
    return render_template(
        "surveys/fielding/consent.html",
        version=version,
        content=content,
        language=language,
        picture_url=lambda name: consent_picture_url(g.study.slug, name),
        settings=_app_settings(),
    )


def _wellbeing_bundle() -> dict[str, object]:
    """Return the study's wellbeing questions, support resources and the caller's limit."""
    return wellbeing_services.tablet_bundle(db.session, g.study, current_user)


def _show_wellbeing(kind: str, title: str):
    """Show the check-in ("before") or the debrief ("after"), a question per screen."""
    bundle = _wellbeing_bundle()
    definition = screens.wellbeing_form(bundle, kind, title)
    limit = bundle.get("limit") or {}
    return render_template(
        "surveys/fielding/wellbeing.html",
        kind=kind,
        definition=definition,
        ctx=RenderContext(definition=definition, language=definition.default_language),
        resources=bundle.get("resources") or [],
        settings={
            **_app_settings(),
            "lowScore": bundle.get("low_score"),
            "dailyLimit": limit.get("max_interviews_per_day"),
        },
    )


@blueprint.get(f"{BASE}/check-in")
@allow(INTERVIEWERS)
def show_check_in():
    """Show the interviewer's check-in before a visit: how they feel, whether they are ready."""
    return _show_wellbeing("before", _("Before the interview"))


@blueprint.get(f"{BASE}/debrief")
@allow(INTERVIEWERS)
def show_debrief():
    """Show the interviewer's debrief after an interview, then the study's support."""
    return _show_wellbeing("after", _("After the interview"))


@blueprint.get(f"{BASE}/support")
@allow(INTERVIEWERS)
def show_support():
    """Show what to do when an interview is stopped because the person is not all right, and
    the study's support for the interviewer."""
    return render_template(
        "surveys/fielding/support.html",
        stopped=request.args.get("stopped") == "1",
        resources=_wellbeing_bundle().get("resources") or [],
        settings=_app_settings(),
    )


@blueprint.get(f"{BASE}/service-worker.js")
@allow(INTERVIEWERS)
def service_worker():
    """Send the service worker that keeps the app and its interviews on the tablet."""
    files, build = _shell(current_app.static_folder or "")
    shell = [url_for("static", filename=name) for name in files]
    # Modules import each other by plain address (./logic.js), without the version.
    shell += [url_for("static", filename=name, v=None) for name in files]
    settings = {
        "build": build,
        "cachePrefix": f"fieldwork-{g.study.slug}-",
        "shell": sorted(set(shell)),
        "pages": [
            url_for("interviewing.show_fieldwork"),
            url_for("interviewing.show_support"),
            url_for("interviewing.show_check_in"),
            url_for("interviewing.show_debrief"),
            url_for("interviewing.manifest"),
        ],
        "api": current_app.config.get("FIELDING_API_BASE", DEFAULT_API),
    }
    body = render_template("surveys/fielding/service_worker.js", settings=settings)
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("interviewing.show_fieldwork")
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get(f"{BASE}/manifest.webmanifest")
@allow(INTERVIEWERS)
def manifest():
    """Send the web app manifest, so the interview app can be added to the home screen."""
    home = url_for("interviewing.show_fieldwork")
    document = {
        "name": _("Interviews: %(study)s", study=g.study.title),
        "short_name": _("Interviews"),
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#00625e",
        "icons": [
            {
                "src": url_for("static", filename="favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
            }
        ],
    }
    return current_app.response_class(
        json.dumps(document, ensure_ascii=False), mimetype="application/manifest+json"
    )
