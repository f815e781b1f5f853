"""A demo instance: one study with a person in each role, for trying the platform out."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from peer_research.accounts.models import User
from peer_research.accounts.services import create_user
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


def seed_demo(session: Session) -> None:
    """Create the demo study and people, unless they are already there."""
    if get_study(session, DEMO_STUDY_SLUG) is not None:
        return
    people = {person.username: _create_person(session, person) for person in DEMO_PEOPLE}
    study = create_study(
        session,
        slug=DEMO_STUDY_SLUG,
        title="Carers' voices: what helps at home",
        description=(
            "Unpaid carers and people who use home care shape and run interviews with other "
            "carers about what makes support at home work."
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
    _add_demo_questionnaire(session, study, people["sam"])


def _add_demo_questionnaire(session: Session, study, author: User) -> None:
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
    import_questionnaire(session, study=study, definition=definition, imported_by=author)


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
