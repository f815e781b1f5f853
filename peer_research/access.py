"""Who may use which route: every view declares one rule, checked before it runs.

The rules are few and live here, so that the route x role matrix test can list them. A
route without a rule is refused (and fails the matrix test). Roles are compared by value,
and study rules ask the finder the app factory registers (`init_app`) for the study and
the caller's membership, so access needs nothing from the studies package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from peer_research.db import db

View = TypeVar("View", bound=Callable)
# find_membership(session, slug=..., user=...) returns (study, membership): the study is
# None when no study has that address, the membership None when the user is not a member.
MembershipFinder = Callable[..., tuple[Any, Any]]
FIND_MEMBERSHIP = "access.find_membership"
# Addresses under this answer JSON to scripts (the tablets): 401 instead of the sign-in page.
API_PREFIX = "/api/"


@dataclass(frozen=True)
class Rule:
    """Who may use a route: anyone, anyone signed in, site admins, or members with roles."""

    name: str
    needs_sign_in: bool = True
    site_admin: bool = False
    study_roles: frozenset[str] | None = None  # None: not a study route; empty: any member

    @property
    def is_study_rule(self) -> bool:
        """Tell whether the rule is about membership of the study in the URL."""
        return self.study_roles is not None


PUBLIC = Rule("public", needs_sign_in=False)
SIGNED_IN = Rule("signed in")
SITE_ADMIN = Rule("site admin", site_admin=True)
ANY_MEMBER = Rule("any member", study_roles=frozenset())


def members_with(*roles: str) -> Rule:
    """Return the rule for study members holding at least one of the roles."""
    return Rule("members: " + ", ".join(sorted(roles)), study_roles=frozenset(roles))


FACILITATORS = members_with("facilitator")  # the value of studies' Role.FACILITATOR


def allow(rule: Rule) -> Callable[[View], View]:
    """Declare who may use the decorated view."""

    def decorate(view: View) -> View:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def rule_for(app: Flask, endpoint: str) -> Rule | None:
    """Return the rule declared by the view behind an endpoint."""
    if endpoint == "static":
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def check_access() -> None:
    """Apply the route's rule to the current user (runs before every view)."""
    if request.endpoint is None:  # no route matched: the 404 page follows
        return
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        abort(403, _("This page is not open to anyone yet."))
    if not rule.needs_sign_in:
        return
    if not current_user.is_authenticated:
        if request.path.startswith(API_PREFIX):  # a script cannot follow a sign-in page
            abort(401, _("Sign in again: your session has ended."))
        abort(_redirect_to_sign_in())
    if rule.site_admin and not current_user.is_site_admin:
        abort(403, _("Only site administrators can do this."))
    if rule.is_study_rule:
        _check_study_membership(rule)


def _redirect_to_sign_in():
    """Return a redirect to the sign-in page that comes back here afterwards."""
    target = request.full_path if request.method == "GET" else None
    flash(_("Sign in to see this page."), "info")
    return redirect(url_for("accounts.sign_in", next=target.rstrip("?") if target else None))


def _check_study_membership(rule: Rule) -> None:
    """Load the study from the URL and check the user holds a role the rule needs."""
    slug = (request.view_args or {}).pop("study_slug", None)
    find_membership = current_app.extensions[FIND_MEMBERSHIP]
    study, membership = (
        find_membership(db.session, slug=slug, user=current_user) if slug else (None, None)
    )
    if study is None:
        abort(404)
    if membership is None:
        abort(403, _("You are not a member of this study. Ask its facilitator to invite you."))
    if rule.study_roles and not membership.has_any_role(rule.study_roles):
        abort(403, _("Your role in this study does not include this."))
    g.study = study
    g.membership = membership


def add_study_to_urls(endpoint: str, values: dict) -> None:
    """Fill in the current study's address when building a URL inside a study."""
    study = g.get("study")
    if study is not None and "study_slug" not in values and _takes_a_study(endpoint):
        values["study_slug"] = study.slug


def _takes_a_study(endpoint: str) -> bool:
    """Tell whether an endpoint's address has a study in it (remembered per endpoint)."""
    known = current_app.extensions.setdefault("access.endpoints_with_study", {})
    if endpoint not in known:
        known[endpoint] = current_app.url_map.is_endpoint_expecting(endpoint, "study_slug")
    return known[endpoint]


def init_app(app: Flask, *, find_membership: MembershipFinder) -> None:
    """Check access before every view and let study URLs fill in their study."""
    app.extensions[FIND_MEMBERSHIP] = find_membership
    app.before_request(check_access)
    app.url_defaults(add_study_to_urls)
