"""A demo instance: one study with a person in each role, for trying the platform out.

The demo tells a short story over the last three weeks, each step written at its own moment
(`db.clock_at`), so its dates agree: the study and its people come first, then the
questionnaire and the group's rule, then a suggestion, its votes and decision, then the
version published by the group, and last a suggestion still open and a conversation.
Along the way the study publishes its consent form (its key pair is made in the instance
folder), Pat takes four participants' consent, and one of them withdraws. Alex, the
support lead, lists two kinds of support; Pat checks in before and after interviews, and
the last debrief, a low one, raised an alert that waits for Alex.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.accounts.services import create_user
from peer_research.db import clock_at, utcnow
from peer_research.studies.models import Role
from peer_research.studies.services import add_member, create_study, get_study

DEMO_STUDY_SLUG = "carers-voices"


@dataclass(frozen=True)
class DemoPerson:
    """A demo account and the roles it holds in the demo study."""

    username: str
    display_name: str
    password: str
    roles: tuple[Role, ...]
    is_site_admin: bool = False


DEMO_PEOPLE = (
    DemoPerson("admin", "Site Administrator", "demo admin garden kettle", (), is_site_admin=True),
    DemoPerson(
        "sam", "Sam Okafor", "demo sam river lantern", (Role.FACILITATOR, Role.CO_RESEARCHER)
    ),
    DemoPerson("jo", "Jo Pritchard", "demo jo orchard bicycle", (Role.CO_RESEARCHER,)),
    DemoPerson(
        "pat", "Pat Hughes", "demo pat meadow teapot", (Role.PEER_RESEARCHER, Role.CO_RESEARCHER)
    ),
    DemoPerson("lee", "Dr Min Lee", "demo lee harbour pencil", (Role.ACADEMIC_PARTNER,)),
    DemoPerson("alex", "Alex Morgan", "demo alex willow compass", (Role.SUPPORT_LEAD,)),
)


def days_ago(now, days: float):
    """Return the moment `days` before `now`, on the hour (a story reads better so)."""
    return (now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def seed_demo(session: Session) -> bool:
    """Create the demo study and people, unless they are already there.

    Returns True when the demo was made now, False when an earlier one (with any changes
    people made to it since) was kept.
    """
    if get_study(session, DEMO_STUDY_SLUG) is not None:
        return False
    now = utcnow()
    with clock_at(days_ago(now, 21)):
        people = {person.username: _create_person(session, person) for person in DEMO_PEOPLE}
        study = create_study(
            session,
            slug=DEMO_STUDY_SLUG,
            title="Carers' voices: what helps at home",
            description=(
                "Unpaid carers and people who use home care shape and run interviews with "
                "other carers about what makes support at home work."
            ),
            created_by=people["admin"],
        )
        for person in DEMO_PEOPLE:
            if person.roles:
                add_member(
                    session,
                    study=study,
                    user=people[person.username],
                    roles=person.roles,
                    added_by=people["admin"],
                )
        session.flush()
    with clock_at(days_ago(now, 20)):
        questionnaire = _add_demo_questionnaire(session, study, people["sam"])
        session.flush()
    _add_demo_codesign(session, study, questionnaire, people, now)
    _add_demo_consent(session, study, people, now)
    _add_demo_wellbeing(session, study, people, now)
    return True


def _add_demo_wellbeing(session: Session, study, people: dict[str, User], now) -> None:
    """Add the study's support, and Pat's check-ins and debriefs; the last one is low."""
    from peer_research.wellbeing import services as wellbeing

    alex, pat = people["alex"], people["pat"]
    with clock_at(days_ago(now, 19)):
        wellbeing.add_support_resource(
            session,
            study=study,
            editor=alex,
            title="Talk to Alex, the study's support lead",
            description="Ring or text after any interview, or whenever you need to talk.",
            contact="Phone or text 07700 900123",
            opening_hours="Monday to Friday, 9am to 5pm",
        )
        wellbeing.add_support_resource(
            session,
            study=study,
            editor=alex,
            title="Samaritans",
            description="Free, confidential support from a trained volunteer, day or night.",
            contact="Phone 116 123",
            opening_hours="Every day, all day and night",
        )
    scores = ((6, "before", 4), (6, "after", 4), (0.25, "before", 4), (0.2, "after", 2))
    for number, (days, kind, score) in enumerate(scores):
        moment = days_ago(now, days)
        answers = {"feeling": str(score)}
        answers.update({"ready": "yes"} if kind == "before" else {"upsetting": "yes"})
        if kind == "after":
            answers["get_in_touch"] = "no"
        item = {
            "uuid": str(UUID(int=study.id * 1_000_000 + 700_000 + number)),
            "kind": kind,
            "interview_uuid": str(UUID(int=study.id * 1_000_000 + 800_000 + number // 2)),
            "given_at": moment.isoformat(),
            "answers": answers,
            "note": "Hard to hear about her night-time care." if score == 2 else "",
        }
        with clock_at(moment):
            wellbeing.receive_check_ins(session, study=study, interviewer=pat, items=[item])
    session.flush()


def _add_demo_consent(session: Session, study, people: dict[str, User], now) -> None:
    """Publish the default consent form, record four consents taken by Pat (one each way),
    and a withdrawal that keeps what was already analysed."""
    from consent import services as consent
    from peer_research.sample_fieldwork import sample_consents

    sam, pat = people["sam"], people["pat"]
    with clock_at(days_ago(now, 19)):
        consent.draft_of(session, study)
        consent.publish_draft(session, study=study, by=sam, requires_reconsent=False)
        session.flush()
    with clock_at(days_ago(now, 6)):
        codes = sample_consents(session, study, facilitator=sam, interviewers=[pat], count=4)
        session.flush()
    with clock_at(days_ago(now, 3)):
        consent.withdraw(
            session,
            study=study,
            code=codes[-1],
            choice=consent.WithdrawalChoice.KEEP_ANALYSED,
            reason="Phoned the study team: no longer wants to take part.",
            by=sam,
        )
        session.flush()


def _add_demo_questionnaire(session: Session, study, author: User):
    """Give the demo study a short draft questionnaire with a section and some logic."""
    from surveys import definition as d
    from surveys.services import import_questionnaire

    def question(name: str, kind: d.QuestionType, label: str, **fields) -> d.Question:
        return d.Question(name=name, type=kind, label={"en": label}, **fields)

    def choices(*labels: str) -> tuple[d.Choice, ...]:
        return tuple(d.Choice(label.lower().replace(" ", "_"), {"en": label}) for label in labels)

    helpers = d.Section(
        name="helpers",
        label={"en": "People who help you"},
        repeat=True,
        relevance="${gets_help} = 'yes'",
        items=(
            question(
                "helper_relation",
                d.QuestionType.SELECT_ONE,
                "Who are they to you?",
                choices=choices("Family", "Friend", "Paid carer"),
                other_option=True,
            ),
            question(
                "helper_hours",
                d.QuestionType.INTEGER,
                "About how many hours a week?",
                constraint=". >= 0 and . <= 168",
                constraint_message={"en": "A week has 168 hours."},
            ),
        ),
    )
    definition = d.FormDefinition(
        title="What helps at home",
        languages=(d.Language("en", "English"),),
        items=(
            question(
                "age",
                d.QuestionType.INTEGER,
                "How old are you?",
                required=True,
                constraint=". >= 18 and . < 120",
                privacy=d.PrivacyClass.QUASI_IDENTIFIER,
            ),
            question(
                "gets_help",
                d.QuestionType.YES_NO,
                "Does anyone help you at home?",
                choices=choices("Yes", "No"),
            ),
            helpers,
            question(
                "feeling",
                d.QuestionType.RATING,
                "How do you feel about the help you get?",
                appearance="faces",
                choices=choices("Very unhappy", "Unhappy", "Not sure", "Happy", "Very happy"),
            ),
            question(
                "what_would_help",
                d.QuestionType.LONG_TEXT,
                "What would make life at home better?",
                privacy=d.PrivacyClass.FREE_TEXT,
            ),
        ),
    )
    return import_questionnaire(session, study=study, definition=definition, imported_by=author)


def _add_demo_codesign(
    session: Session, study, questionnaire, people: dict[str, User], now
) -> None:
    """Show co-design at work: a rule, an agreed change, a published version, an open
    suggestion with some votes, and a conversation about a question, each on its day."""
    from surveys.codesign import services as codesign
    from surveys.codesign.services import (
        ChangeKind,
        Position,
        post_comment,
        reply_to_comment,
        toggle_reaction,
    )
    from surveys.services import draft_definition

    sam, jo, pat, lee = (people[name] for name in ("sam", "jo", "pat", "lee"))
    with clock_at(days_ago(now, 20)):
        codesign.set_decision_rule(
            session, study=study, settings=codesign.DecisionSettings(), set_by=sam
        )
        session.flush()

    def vote(poll, person: User, when) -> None:
        """Cast `person`'s agreeing vote at `when` (the last vote closes the poll then)."""
        with clock_at(when):
            codesign.cast_vote(session, poll=poll, voter=person, position=Position.AGREE, now=when)
            session.flush()

    def suggest(author: User, name: str, reason: str, when, **changes):
        with clock_at(when):
            return _suggest(author, name, reason, when, **changes)

    def _suggest(author: User, name: str, reason: str, when, **changes):
        item = dataclasses.replace(draft_definition(session, questionnaire).find(name), **changes)
        proposal = codesign.create_proposal(
            session,
            questionnaire=questionnaire,
            author=author,
            kind=ChangeKind.CHANGE_ITEM,
            reason=reason,
            item=item,
            target_name=name,
            open_now=True,
            now=when,
        )
        poll = codesign.open_proposal_poll(
            session,
            proposal=proposal,
            opened_by=author,
            deadline=when + timedelta(days=7),
            now=when,
        )
        session.flush()
        return proposal, poll

    # Two weeks ago Jo suggests examples; over the next two days everyone agrees, and the
    # last vote decides it and changes the draft.
    _proposal, poll = suggest(
        jo,
        "gets_help",
        "Some carers do not count neighbours or friends as help. Examples make it clearer.",
        days_ago(now, 14),
        hint={"en": "For example family, friends, neighbours or paid carers."},
    )
    for person, when in ((jo, 14), (sam, 13.9), (pat, 13), (lee, 12)):
        vote(poll, person, days_ago(now, when) + timedelta(hours=2))
    # Sam asks the group to publish; the last vote publishes version 1.
    asked_at = days_ago(now, 11)
    with clock_at(asked_at):
        publish = codesign.open_publish_poll(
            session,
            questionnaire=questionnaire,
            opened_by=sam,
            deadline=asked_at + timedelta(days=3),
            now=asked_at,
        )
        session.flush()
    for person, when in ((sam, 11), (jo, 10.9), (lee, 10.5), (pat, 10)):
        vote(publish, person, days_ago(now, when) + timedelta(hours=1))

    # Two days ago Pat suggests plainer words; Pat and Jo have agreed, Sam and Lee not yet.
    opened_at = days_ago(now, 2)
    proposal, poll = suggest(
        pat,
        "feeling",
        '"Happy" is an easier word than "feel about", and it goes with the faces.',
        opened_at,
        label={"en": "How happy are you with the help you get?"},
    )
    vote(poll, pat, opened_at + timedelta(minutes=5))
    vote(poll, jo, days_ago(now, 1.5))
    with clock_at(days_ago(now, 1.4)):
        post_comment(
            session,
            questionnaire=questionnaire,
            author=lee,
            proposal=proposal,
            body="I agree. The faces already say happy or unhappy, so the words match.",
            now=days_ago(now, 1.4),
        )
        session.flush()
    asked = days_ago(now, 1)
    with clock_at(asked):
        question = post_comment(
            session,
            questionnaire=questionnaire,
            author=jo,
            item_name="what_would_help",
            body="Could we give some examples? Some people find open questions hard to start.",
            now=asked,
        )
        session.flush()
    answered = asked + timedelta(hours=2)
    with clock_at(answered):
        reply_to_comment(
            session,
            parent=question,
            author=pat,
            body="Yes. Maybe: more time for yourself, a break, someone to talk to.",
            now=answered,
        )
        toggle_reaction(session, comment=question, user=lee, reaction="agree")
        session.flush()


def _create_person(session: Session, person: DemoPerson) -> User:
    """Create one demo account (or return it if it exists)."""
    existing = session.scalar(sa.select(User).where(User.username == person.username))
    if existing is not None:
        return existing
    return create_user(
        session,
        username=person.username,
        display_name=person.display_name,
        password=person.password,
        is_site_admin=person.is_site_admin,
    )
