"""The route x role matrix: every route, for every kind of visitor, answers as its rule says.

A new route must be added to MATRIX, or this suite fails.
"""

from __future__ import annotations

import pytest
from wellbeing_pages_world import check_in_item, give_check_ins

from consent.services import records_of
from consent.views import COPY_TAKERS
from peer_research.access import (
    ANY_MEMBER,
    FACILITATORS,
    PUBLIC,
    SIGNED_IN,
    SITE_ADMIN,
    members_with,
    rule_for,
)
from peer_research.accounts.services import issue_password_reset
from peer_research.studies.models import Role
from peer_research.studies.services import create_invitation
from peer_research.wellbeing import services as wellbeing
from surveys import definition as d
from surveys import services as surveys
from surveys.fielding.api import INTERVIEWERS
from surveys.views.common import CO_DESIGN_GROUP, DESIGN_GROUP

from consent_world import give_consent

STUDY_ROLES = tuple(role.value for role in Role)
IDENTITIES = ("anonymous", "outsider", "site_admin", *STUDY_ROLES)

EVERYONE = set(IDENTITIES)
SIGNED_IN_PEOPLE = EVERYONE - {"anonymous"}
MEMBERS = set(STUDY_ROLES)
DESIGNERS = {"facilitator", "co_researcher"}
CO_DESIGNERS = DESIGNERS | {"peer_researcher", "academic_partner"}

# endpoint -> (the rule it must declare, who may use it)
FOUNDATION_AND_QUESTIONNAIRES = {
    "static": (PUBLIC, EVERYONE),
    "health.show_health": (PUBLIC, EVERYONE),
    "accounts.show_home": (PUBLIC, EVERYONE),
    "accounts.sign_in": (PUBLIC, EVERYONE),
    "accounts.reset_password": (PUBLIC, EVERYONE),
    "accounts.sign_out": (SIGNED_IN, SIGNED_IN_PEOPLE),
    "accounts.sign_out_everywhere": (SIGNED_IN, SIGNED_IN_PEOPLE),
    "accounts.show_account": (SIGNED_IN, SIGNED_IN_PEOPLE),
    "studies.join_study": (PUBLIC, EVERYONE),
    "studies.show_study": (ANY_MEMBER, MEMBERS),
    "studies.list_members": (ANY_MEMBER, MEMBERS),
    "studies.invite_member": (FACILITATORS, {"facilitator"}),
    "studies.cancel_invitation": (FACILITATORS, {"facilitator"}),
    "studies.change_roles": (FACILITATORS, {"facilitator"}),
    "studies.remove_member": (FACILITATORS, {"facilitator"}),
    "studies.issue_password_link": (FACILITATORS, {"facilitator"}),
    "studies.lift_sign_in_pause": (FACILITATORS, {"facilitator"}),
    "audit.list_study_events": (FACILITATORS, {"facilitator"}),
    "audit.list_site_events": (SITE_ADMIN, {"site_admin"}),
    "admin.list_studies": (SITE_ADMIN, {"site_admin"}),
    "admin.create_study": (SITE_ADMIN, {"site_admin"}),
    "admin.invite_facilitator": (SITE_ADMIN, {"site_admin"}),
    "admin.list_people": (SITE_ADMIN, {"site_admin"}),
    "admin.issue_password_link": (SITE_ADMIN, {"site_admin"}),
    "surveys.list_questionnaires": (ANY_MEMBER, MEMBERS),
    "surveys.create_questionnaire": (DESIGN_GROUP, DESIGNERS),
    "surveys.show_draft": (ANY_MEMBER, MEMBERS),
    "surveys.show_version": (ANY_MEMBER, MEMBERS),
    "surveys.add_question": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.add_section": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.edit_item": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.move_item": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.remove_item": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.check_logic": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.show_translations": (ANY_MEMBER, MEMBERS),
    "surveys.add_language": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.translate_language": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.remove_language": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.show_plain_language": (ANY_MEMBER, MEMBERS),
    "surveys.list_jargon": (ANY_MEMBER, MEMBERS),
    "surveys.add_jargon_term": (DESIGN_GROUP, DESIGNERS),
    "surveys.remove_jargon_term": (DESIGN_GROUP, DESIGNERS),
    "surveys.import_questionnaire": (FACILITATORS, {"facilitator"}),
    "surveys.export_version": (ANY_MEMBER, MEMBERS),
    "surveys.preview_draft": (ANY_MEMBER, MEMBERS),
    "surveys.preview_version": (ANY_MEMBER, MEMBERS),
    "surveys.edit_images": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.remove_image": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.show_media": (ANY_MEMBER, MEMBERS),
}


# Co-design: suggestions, votes, the decision log.
CODESIGN = {
    "surveys.list_proposals": (ANY_MEMBER, MEMBERS),
    "surveys.change_proposal": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.open_draft_proposal": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.show_proposal": (ANY_MEMBER, MEMBERS),
    "surveys.cast_vote": (ANY_MEMBER, MEMBERS),
    "surveys.withdraw_proposal": (ANY_MEMBER, MEMBERS),
    "surveys.show_decision_log": (ANY_MEMBER, MEMBERS),
    "surveys.start_several_changes": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.change_several_reason": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.add_several_part": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.edit_several_part": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.pick_several_item": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.change_several_item": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.remove_several_item": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.drop_several_part": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.update_several_part": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.apply_several_now": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.ask_first_draft_builders": (CO_DESIGN_GROUP, CO_DESIGNERS),
}

# Co-design: comments, replies and reactions.
DISCUSSION: dict = {
    "surveys.discuss_item": (ANY_MEMBER, MEMBERS),
    "surveys.comment_on_proposal": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.reply_to_comment": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.edit_comment": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.remove_comment": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.react_to_comment": (CO_DESIGN_GROUP, CO_DESIGNERS),
}

# Notifications, choices, reminders, the participation view.
NOTIFICATIONS = {
    "notifications.list_notifications": (SIGNED_IN, SIGNED_IN_PEOPLE),
    "notifications.open_notification": (SIGNED_IN, SIGNED_IN_PEOPLE),
    "notifications.mark_all_read": (SIGNED_IN, SIGNED_IN_PEOPLE),
    "notifications.edit_choices": (ANY_MEMBER, MEMBERS),
    "surveys.show_participation": (ANY_MEMBER, MEMBERS),
    "surveys.remind_voters": (CO_DESIGN_GROUP, CO_DESIGNERS),
}

# Publishing as a decision, how the group decides, versions compared, changelogs, PDFs.
VERSIONS_AND_RULES: dict = {
    "surveys.ask_to_publish": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.show_poll": (ANY_MEMBER, MEMBERS),
    "surveys.vote_in_poll": (ANY_MEMBER, MEMBERS),
    "surveys.show_decision_rules": (ANY_MEMBER, MEMBERS),
    "surveys.set_up_decision_rule": (FACILITATORS, {"facilitator"}),
    "surveys.suggest_decision_rule": (CO_DESIGN_GROUP, CO_DESIGNERS),
    "surveys.compare_versions": (ANY_MEMBER, MEMBERS),
    "surveys.download_decisions_pdf": (ANY_MEMBER, MEMBERS),
}

# Live updates.
LIVE = {
    "surveys.show_activity": (ANY_MEMBER, MEMBERS),
}

# Fielding: the facilitators' fieldwork pages and the tablets' sync API. Interviewers (peer
# researchers) alone fetch versions and send interviews; the API answers 401, not a
# redirect, to an ended session.
FIELDING = {
    "fielding.show_fieldwork": (FACILITATORS, {"facilitator"}),
    "fielding.show_interview": (FACILITATORS, {"facilitator"}),
    "fielding.show_held_submission": (FACILITATORS, {"facilitator"}),
    "api.show_openapi": (PUBLIC, EVERYONE),
    "api.list_questionnaires": (INTERVIEWERS, {"peer_researcher"}),
    "api.sync_interviews": (INTERVIEWERS, {"peer_researcher"}),
    "api.show_version": (SIGNED_IN, {"peer_researcher"}),  # the view checks the study
    # Consent on the tablet: codes, the form and key, consent records (peer researchers only).
    "api.reserve_participant_codes": (INTERVIEWERS, {"peer_researcher"}),
    "api.show_consent_bundle": (INTERVIEWERS, {"peer_researcher"}),
    "api.sync_consents": (INTERVIEWERS, {"peer_researcher"}),
    # Wellbeing on the tablet: the check-in questions and support, check-ins and debriefs,
    # "I'd like to talk to someone" (peer researchers only, each for themselves).
    "api.show_wellbeing_bundle": (INTERVIEWERS, {"peer_researcher"}),
    "api.sync_check_ins": (INTERVIEWERS, {"peer_researcher"}),
    "api.reach_out": (INTERVIEWERS, {"peer_researcher"}),
}

# Fieldwork on the tablet: the interviewer's home, check-in and debrief, the interview, the
# offline app's files.
FIELDWORK = {
    "interviewing.show_fieldwork": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.show_check_in": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.show_debrief": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.show_interview": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.show_consent": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.show_support": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.service_worker": (INTERVIEWERS, {"peer_researcher"}),
    "interviewing.manifest": (INTERVIEWERS, {"peer_researcher"}),
}

# Consent pages: facilitators alone see the register, participants, details and
# withdrawals; the interviewer who took a consent may also have its copy (the view checks
# it is theirs). The details page is open to members so that a refusal can be audited.
CONSENT_PAGES = {
    "consent.show_register": (FACILITATORS, {"facilitator"}),
    "consent.download_register": (FACILITATORS, {"facilitator"}),
    "consent.show_participant": (FACILITATORS, {"facilitator"}),
    "consent.show_details": (ANY_MEMBER, {"facilitator"}),
    "consent.show_copy": (COPY_TAKERS, {"facilitator", "peer_researcher"}),
    "consent.download_copy": (COPY_TAKERS, {"facilitator", "peer_researcher"}),
    "consent.email_copy": (COPY_TAKERS, {"facilitator", "peer_researcher"}),
    "consent.record_withdrawal": (FACILITATORS, {"facilitator"}),
    "consent.show_withdrawal": (FACILITATORS, {"facilitator"}),
    "consent.download_withdrawal": (FACILITATORS, {"facilitator"}),
}

# The consent form's wording, decided by facilitators and co-researchers; the tablets of
# peer researchers fetch its easy-read pictures.
CONSENT_DECIDERS = members_with("facilitator", "co_researcher")
CONSENT_WORDING = {
    "consent_wording.show_form": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.show_draft": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.show_version": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.show_decision_log": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.choose_language": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.suggest_wording": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.show_suggestion": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.vote_on_suggestion": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.withdraw_suggestion": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.ask_to_publish": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.show_publishing": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.vote_on_publishing": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.manage_pictures": (CONSENT_DECIDERS, DESIGNERS),
    "consent_wording.show_picture": (
        members_with("facilitator", "co_researcher", "peer_researcher"),
        DESIGNERS | {"peer_researcher"},
    ),
}

# Wellbeing: check-ins and alerts for the interviewer and the support leads only;
# facilitators reach alerts (only the escalated ones, checked in the view) and the summary.
SUPPORT_LEADS = members_with("support_lead")
ALERT_READERS = members_with("support_lead", "facilitator")
SETTINGS_KEEPERS = members_with("facilitator", "support_lead")
WELLBEING_INTERVIEWERS = members_with("peer_researcher")
WELLBEING = {
    "wellbeing.list_alerts": (ALERT_READERS, {"support_lead", "facilitator"}),
    "wellbeing.show_alert": (ALERT_READERS, {"support_lead", "facilitator"}),
    "wellbeing.acknowledge_alert": (SUPPORT_LEADS, {"support_lead"}),
    "wellbeing.follow_up_alert": (SUPPORT_LEADS, {"support_lead"}),
    "wellbeing.add_alert_note": (SUPPORT_LEADS, {"support_lead"}),
    "wellbeing.show_mine": (WELLBEING_INTERVIEWERS, {"peer_researcher"}),
    "wellbeing.set_limit": (WELLBEING_INTERVIEWERS, {"peer_researcher"}),
    "wellbeing.show_my_check_in": (WELLBEING_INTERVIEWERS, {"peer_researcher"}),
    "wellbeing.add_to_my_note": (WELLBEING_INTERVIEWERS, {"peer_researcher"}),
    "wellbeing.hide_my_note": (WELLBEING_INTERVIEWERS, {"peer_researcher"}),
    "wellbeing.show_summary": (FACILITATORS, {"facilitator"}),
    "wellbeing.show_settings": (SETTINGS_KEEPERS, {"facilitator", "support_lead"}),
    "wellbeing.change_wording": (SETTINGS_KEEPERS, {"facilitator", "support_lead"}),
    "wellbeing.add_resource": (SETTINGS_KEEPERS, {"facilitator", "support_lead"}),
    "wellbeing.edit_resource": (SETTINGS_KEEPERS, {"facilitator", "support_lead"}),
    "wellbeing.move_resource": (SETTINGS_KEEPERS, {"facilitator", "support_lead"}),
    "wellbeing.remove_resource": (SETTINGS_KEEPERS, {"facilitator", "support_lead"}),
}

MATRIX = {
    **FOUNDATION_AND_QUESTIONNAIRES,
    **CODESIGN,
    **DISCUSSION,
    **NOTIFICATIONS,
    **VERSIONS_AND_RULES,
    **LIVE,
    **FIELDING,
    **FIELDWORK,
    **CONSENT_PAGES,
    **CONSENT_WORDING,
    **WELLBEING,
}


def test_every_route_is_in_the_matrix_with_its_declared_rule(app):
    """Every registered endpoint has a rule, and it is the one the matrix expects."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(MATRIX), "add new routes to MATRIX (and give them a rule)"
    for endpoint, (expected_rule, _who) in MATRIX.items():
        assert rule_for(app, endpoint) == expected_rule, endpoint


@pytest.fixture
def world(app, db_session, make_user, make_study, make_member):
    """Create a study with one member per role, an outsider, an admin and link tokens."""
    study = make_study()
    people = {role.value: make_member(study=study, roles=[role]).user for role in Role}
    people["outsider"] = make_user()
    people["site_admin"] = make_user(is_site_admin=True)
    target = make_member(study=study, roles=[Role.CO_RESEARCHER])
    with app.app_context():
        invitation, invitation_token = create_invitation(
            db_session,
            study=study,
            name="New person",
            email=None,
            roles=[Role.PEER_RESEARCHER],
            invited_by=people["facilitator"],
            lifetime=app.config["INVITATION_LIFETIME"],
        )
        reset_token = issue_password_reset(
            db_session,
            user=target.user,
            issued_by=people["site_admin"],
            lifetime=app.config["PASSWORD_RESET_LIFETIME"],
        )
        questionnaire = surveys.create_questionnaire(
            db_session,
            study=study,
            title="Q",
            languages=[d.Language("en", "English")],
            created_by=people["facilitator"],
        )
        item = surveys.add_item(
            db_session,
            questionnaire=questionnaire,
            changed_by=people["facilitator"],
            item=d.Question(name="age", type=d.QuestionType.INTEGER, label={"en": "Age"}),
        )
        version = surveys.publish_version(
            db_session, questionnaire=questionnaire, published_by=people["facilitator"]
        )
    with app.test_request_context(method="POST"):  # a consent the peer researcher took
        give_consent(
            db_session,
            study,
            people["facilitator"],
            people["peer_researcher"],
            "KT7-M4C",
            app.config,
        )
        (consent_record,) = records_of(db_session, study.id, "KT7-M4C")
        # A very low debrief by the peer researcher: a check-in, its alert, a support contact.
        (check_in,) = give_check_ins(
            db_session, study, people["peer_researcher"], check_in_item("after", "1", note="Hard")
        )
        resource = wellbeing.add_support_resource(
            db_session, study=study, editor=people["facilitator"], title="Helpline", contact="1"
        )
        (alert,) = wellbeing.alerts_for(db_session, study=study, viewer=people["support_lead"])
    db_session.commit()
    values = {
        "study_slug": study.slug,
        "membership_id": target.id,
        "invitation_id": invitation.id,
        "user_id": target.user.id,
        "filename": "css/app.css",
        "token": reset_token,
        "questionnaire_id": questionnaire.id,
        "name": item.name,
        "item_id": item.id,
        "number": 1,
        "item_kind": "question",
        "stored_name": "0123456789abcdef.png",
        "code": "en",
        "term_id": 1,
        "proposal_id": 1,
        "comment_id": 1,
        "poll_id": 1,
        "notification_id": 1,
        "version_id": version.id,
        "interview_id": 1,
        "held_id": 1,
        "language": "en",
        "participant_code": "KT7-M4C",
        "consent_uuid": consent_record.uuid,
        "withdrawal_id": 1,
        "suggestion_id": 1,
        "alert_id": alert.id,
        "check_in_id": check_in.id,
        "resource_id": resource.id,
        "kind": "before",
    }
    return people, values, invitation_token


def url_for_endpoint(app, endpoint: str, values: dict, invitation_token: str) -> str:
    """Build the URL of an endpoint with real values for its arguments."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    arguments = {name: values[name] for name in rule.arguments}
    if endpoint == "studies.join_study":
        arguments["token"] = invitation_token
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **arguments)


def methods_of(app, endpoint: str) -> list[str]:
    """Return the HTTP methods a route answers (without HEAD and OPTIONS)."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_identity_as_the_matrix_says(
    app, client, auth, world, endpoint, identity
):
    """Allowed visitors get through; others are sent to sign in (anonymous) or refused (403)."""
    people, values, invitation_token = world
    if identity != "anonymous":
        auth.sign_in(people[identity])
    url = url_for_endpoint(app, endpoint, values, invitation_token)
    allowed = identity in MATRIX[endpoint][1]
    for method in methods_of(app, endpoint):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
        response.close()
        assert response.status_code < 500, (method, url, response.status_code)
        refused = response.status_code in (401, 403) or (
            response.status_code == 302 and "/sign-in" in response.headers["Location"]
        )
        assert refused != allowed, (method, url, identity, response.status_code)
        if not allowed:
            signing_in = 401 if url.startswith("/api/") else 302
            expected = signing_in if identity == "anonymous" else 403
            assert response.status_code == expected, (method, url, identity)
