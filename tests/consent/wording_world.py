"""A study whose consent form the group decides, for the consent wording tests."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import timedelta

from consent import services as consent
from consent.wording import services as wording
from peer_research.accounts.models import User
from peer_research.db import utcnow
from peer_research.studies.models import Role, Study

ROLES = ("facilitator", "co_researcher", "peer_researcher", "academic_partner", "support_lead")


@dataclass
class World:
    """A study with a facilitator, two co-researchers and one member of every other role."""

    study: Study
    people: dict[str, User] = field(default_factory=dict)

    @property
    def deciders(self) -> list[User]:
        """Return the people who vote on the consent form."""
        return [self.people["facilitator"], self.people["co_researcher"], self.people["co2"]]

    @property
    def base(self) -> str:
        """Return the address of the consent form's pages."""
        return f"/studies/{self.study.slug}/consent/form"


def make_world(make_study, make_member) -> World:
    """Create the study and its members."""
    study = make_study()
    world = World(study=study)
    for role in ROLES:
        world.people[role] = make_member(study=study, roles=[Role(role)]).user
    world.people["co2"] = make_member(study=study, roles=[Role.CO_RESEARCHER]).user
    return world


def later(days: int = 7):
    """Return a closing time some days from now."""
    return utcnow() + timedelta(days=days)


def day_boxes(days: int = 7) -> dict[str, list[str]]:
    """Return the three date boxes of a closing day some days from now."""
    day = later(days).date()
    return {"deadline": [str(day.day), str(day.month), str(day.year)]}


def page_text(response) -> str:
    """Return a response's text with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def reworded(session, study: Study, **changes) -> dict:
    """Return the draft's wording with some main-language texts changed."""
    document = consent.draft_of(session, study).content
    document = {**document}
    for part, text in changes.items():
        if part == "title":
            document["title"] = {**document["title"], "en": text}
        elif part == "withdraw":
            document["withdraw"] = {**document["withdraw"], "en": text}
        elif part == "paragraph":
            document["sheet"] = {"en": [{"kind": "paragraph", "text": text}]}
    return document


def suggest(session, world: World, author: str = "co_researcher", **changes):
    """Suggest a change of the main-language texts; return the suggestion."""
    return wording.suggest_change(
        session,
        study=world.study,
        author=world.people[author],
        language="en",
        document=reworded(session, world.study, **changes),
        reason="Clearer words",
        deadline=later(),
    )


def everyone_votes(session, world: World, poll_id: int, position: str = "agree", app=None):
    """Have every decider vote; return the decision the last vote made."""
    engine = wording.group_decisions()
    decision = None
    for person in world.deciders:
        decision = engine.cast_vote(
            session,
            study=world.study,
            poll_id=poll_id,
            voter=person,
            position=position,
            reason="",
            secret_key="test-secret",
        )
    return decision
