"""A study grown to a chosen size through the services, for measuring how pages scale.

The benchmark grows one study to the size a real group reaches and another to a tenth of
it; the query-count test grows two small ones. Everything goes through the same services
the pages use (suggestions, polls, votes, comments, publishing), so the rows are what a
real group leaves behind: accepted, rejected and open suggestions, votes in every poll,
threads of comments and replies, and published versions between them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from consent import services as consent_services
from peer_research.accounts.models import User
from peer_research.accounts.services import create_user
from peer_research.db import utcnow
from peer_research.sample_consent import ConsentSample, consent_page_values, grow_consent_form
from peer_research.sample_fieldwork import sample_interviews, sample_withdrawal
from peer_research.studies.models import Membership, Role
from peer_research.studies.services import add_member, create_study

LANGUAGES = (("en", "English"), ("cy", "Cymraeg"), ("pl", "Polski"))
# Study pages needing what the samples lack (pictures, wellbeing records), not the study's
# own (a site admin's invitation page), or not a facilitator's (tablets', interviewers').
PICTURE_PAGES = ("surveys.show_media", "surveys.remove_image")
NOT_GROWN = ("show_alert", "edit_resource", "remove_resource", "change_wording", "show_mine")
WELLBEING = {f"wellbeing.{name}" for name in (*NOT_GROWN, "show_my_check_in")}
TABLETS = ("api.list_questionnaires", "api.show_wellbeing_bundle")
NOT_STUDY_PAGES = frozenset({*PICTURE_PAGES, *WELLBEING, *TABLETS, "admin.invite_facilitator"})
# Every sample person signs in with this (they exist only in benchmark and test databases).
PASSWORD = "sample study long enough passphrase"  # noqa: S105


@dataclass(frozen=True)
class StudySize:
    """How much a study holds."""

    members: int
    questions: int
    suggestions: int
    comments: int
    versions: int


# The size a real group reaches over a year, and a tenth of it.
LARGE = StudySize(members=40, questions=150, suggestions=300, comments=999, versions=30)
TENTH = StudySize(members=4, questions=15, suggestions=30, comments=100, versions=3)


@dataclass(frozen=True)
class SampleStudy:
    """What the pages of a grown study need in their addresses."""

    slug: str
    questionnaire_id: int
    facilitator: User
    member: Membership  # a co-researcher who is not the facilitator
    proposal_id: int  # a suggestion with votes and comments
    draft_proposal_id: int  # the facilitator's own draft suggestion, not yet sent
    several_proposal_id: int  # the facilitator's draft suggestion of several changes
    poll_id: int  # the latest publish poll
    comment_id: int  # the facilitator's own comment on the first question
    item_name: str
    version_number: int
    interview_id: int  # a stopped interview, with answers
    held_id: int  # an interview held back by the checks
    version_id: int  # the latest published version, for the interview pages
    participant_code: str  # a participant who consented (the consent pages)
    consent_uuid: str  # that participant's consent (its copy)
    withdrawal_id: int  # another participant's withdrawal
    consent_version_id: int  # the consent form's latest published version (the tablet's step)
    consent: ConsentSample | None = None  # the consent form's suggestions and versions


def grow_study(session: Session, *, slug: str, size: StudySize) -> SampleStudy:
    """Create a study of the given size, its people, questionnaire, suggestions and versions."""
    from surveys.codesign import services as codesign

    people = _people(session, slug, size.members)
    facilitator = people[0]
    study = create_study(session, slug=slug, title=f"Sample {slug}", created_by=facilitator)
    memberships = [
        add_member(
            session,
            study=study,
            user=person,
            # The facilitator interviews too, so that the tablet pages are measured.
            roles=(Role.FACILITATOR, Role.CO_RESEARCHER, Role.PEER_RESEARCHER)
            if i == 0
            else (Role.CO_RESEARCHER,),
            added_by=facilitator,
        )
        for i, person in enumerate(people)
    ]
    questionnaire = _questionnaire(session, study, facilitator, size.questions)
    codesign.set_decision_rule(
        session, study=study, settings=codesign.DecisionSettings(), set_by=facilitator
    )
    # The consent form first: the activity log's newest page stays the questionnaire's.
    consent_form = grow_consent_form(session, study=study, people=people, size=size.versions)
    start = utcnow() - timedelta(days=90)
    proposals, publish_poll = _suggestions(session, questionnaire, people, size, start)
    comments = _comments(session, questionnaire, people, proposals, size, start)
    draft = _draft_suggestion(session, questionnaire, facilitator)
    several = _several_suggestion(session, questionnaire, facilitator, min(size.questions // 2, 40))
    session.expire(questionnaire, ["versions"])
    interview_id, held_id = sample_interviews(
        session, study, questionnaire, people, size.members * 3
    )
    latest = max(questionnaire.versions, key=lambda version: version.number)
    participant_code, consent_uuid, withdrawal_id = sample_withdrawal(
        session, study, facilitator, interview_id
    )
    return SampleStudy(
        slug=slug,
        questionnaire_id=questionnaire.id,
        facilitator=facilitator,
        member=memberships[1] if len(memberships) > 1 else memberships[0],
        proposal_id=proposals[-1].id,
        draft_proposal_id=draft.id,
        several_proposal_id=several.id,
        poll_id=publish_poll.id if publish_poll else 0,
        comment_id=comments[-1].id,
        item_name=_name(0),
        version_number=latest.number,
        interview_id=interview_id,
        held_id=held_id,
        version_id=latest.id,
        participant_code=participant_code,
        consent_uuid=consent_uuid,
        withdrawal_id=withdrawal_id,
        consent_version_id=consent_services.current_version(session, study.id).id,
        consent=consent_form,
    )


def _name(index: int) -> str:
    """Return the short name of the index-th question."""
    return f"q{index:03d}"


def _people(session: Session, slug: str, count: int) -> list[User]:
    """Create the study's people."""
    return [
        create_user(
            session,
            username=f"{slug}-{i:02d}",
            display_name=f"Member {i} of {slug}",
            password=PASSWORD,
        )
        for i in range(count)
    ]


def _questionnaire(session: Session, study, author: User, count: int):
    """Import a draft with `count` questions in three languages, ten to a section."""
    from surveys import definition as d
    from surveys.services import import_questionnaire

    def texts(words: str) -> dict[str, str]:
        return {code: f"{words} ({name})" for code, name in LANGUAGES}

    questions = [
        d.Question(
            name=_name(i),
            type=d.QuestionType.SELECT_ONE if i % 2 else d.QuestionType.TEXT,
            label=texts(f"Question {i} about life at home"),
            hint=texts(f"Help for question {i}"),
            choices=(d.Choice("yes", texts("Yes")), d.Choice("no", texts("No"))) if i % 2 else (),
            relevance=f"${{{_name(i - 1)}}} = 'yes'" if i % 4 == 2 else "",
        )
        for i in range(count)
    ]
    sections = tuple(
        d.Section(name=f"s{n:02d}", label=texts(f"Part {n}"), items=tuple(questions[n : n + 10]))
        for n in range(0, count, 10)
    )
    definition = d.FormDefinition(
        title=f"Life at home ({study.slug})",
        languages=tuple(d.Language(code, name) for code, name in LANGUAGES),
        items=sections,
    )
    return import_questionnaire(session, study=study, definition=definition, imported_by=author)


def _suggestions(session: Session, questionnaire, people: list[User], size, start: datetime):
    """Write the suggestions, vote on them, and publish versions between them.

    A third are agreed by everyone (and change the draft), a third are turned down, and a
    third stay open with half the group's votes; a version is published at even intervals.
    """
    from surveys.codesign import services as codesign
    from surveys.services import draft_definition

    proposals, publish_poll = [], None
    publish_every = max(1, size.suggestions // max(1, size.versions))
    for i in range(size.suggestions):
        when = start + timedelta(minutes=10 * i)
        name = _name(i % size.questions)
        current = draft_definition(session, questionnaire).find(name)
        hint = {code: f"Suggestion {i}: {text}" for code, text in current.hint.items()}
        author = people[i % len(people)]
        proposal = codesign.create_proposal(
            session,
            questionnaire=questionnaire,
            author=author,
            kind=codesign.ChangeKind.CHANGE_ITEM,
            reason=f"Clearer help for people answering, suggestion {i}.",
            item=dataclasses.replace(current, hint=hint),
            target_name=name,
            open_now=True,
            now=when,
        )
        poll = codesign.open_proposal_poll(
            session,
            proposal=proposal,
            opened_by=author,
            deadline=when + timedelta(days=365),
            now=when,
        )
        voters = people if i % 3 != 2 else people[: len(people) // 2]
        position = codesign.Position.DISAGREE if i % 3 == 1 else codesign.Position.AGREE
        for voter in voters:
            codesign.cast_vote(session, poll=poll, voter=voter, position=position, now=when)
        proposals.append(proposal)
        if (i + 1) % publish_every == 0:
            publish_poll = _publish(session, questionnaire, people, when) or publish_poll
    return proposals, publish_poll


def _publish(session: Session, questionnaire, people: list[User], when: datetime):
    """Publish the draft by the group's decision, when it changed since the last version;
    return the publish poll, or None when there was nothing new."""
    from surveys.codesign import services as codesign
    from surveys.compare import compare_definitions
    from surveys.services import draft_definition, version_definition

    versions = sorted(questionnaire.versions, key=lambda version: version.number)
    draft = draft_definition(session, questionnaire)
    if versions and compare_definitions(version_definition(versions[-1]), draft).same:
        return None
    poll = codesign.open_publish_poll(
        session,
        questionnaire=questionnaire,
        opened_by=people[0],
        deadline=when + timedelta(days=7),
        now=when,
    )
    for voter in people:
        codesign.cast_vote(
            session, poll=poll, voter=voter, position=codesign.Position.AGREE, now=when
        )
    return poll


def _comments(session: Session, questionnaire, people, proposals, size, start: datetime):
    """Write comments on questions and suggestions, every third one a reply."""
    from surveys.codesign import services as codesign

    comments = []
    for i in range(size.comments - 1):
        when = start + timedelta(minutes=7 * i)
        author = people[(i + 1) % len(people)]
        body = f"Comment {i}: I think the words could be simpler for everyone."
        if i % 3 == 2 and comments:
            comment = codesign.reply_to_comment(
                session, parent=comments[-1], author=author, body=body, now=when
            )
        elif i % 2:
            comment = codesign.post_comment(
                session,
                questionnaire=questionnaire,
                author=author,
                proposal=proposals[i % len(proposals)],
                body=body,
                now=when,
            )
        else:
            comment = codesign.post_comment(
                session,
                questionnaire=questionnaire,
                author=author,
                item_name=_name(i % size.questions),
                body=body,
                now=when,
            )
        comments.append(comment)
    own = codesign.post_comment(
        session,
        questionnaire=questionnaire,
        author=people[0],
        item_name=_name(0),
        body="Thank you all: I will gather these ideas for our next meeting.",
        now=start + timedelta(minutes=7 * size.comments),
    )
    return [*comments, own]


def _draft_suggestion(session: Session, questionnaire, author: User):
    """Keep one suggestion as its author's draft, not yet put to the group."""
    from surveys.codesign import services as codesign
    from surveys.services import draft_definition

    current = draft_definition(session, questionnaire).find(_name(0))
    label = {code: f"{text} (draft)" for code, text in current.label.items()}
    return codesign.create_proposal(
        session,
        questionnaire=questionnaire,
        author=author,
        kind=codesign.ChangeKind.CHANGE_ITEM,
        reason="A first try at simpler words, to finish later.",
        item=dataclasses.replace(current, label=label),
        target_name=current.name,
    )


def _several_suggestion(session: Session, questionnaire, author: User, count: int):
    """Keep a draft suggestion of several changes: `count` new questions, each but the first
    asked only when the one before it has an answer."""
    from surveys import definition as d
    from surveys.codesign import services as codesign

    proposal = codesign.start_several(
        session,
        questionnaire=questionnaire,
        author=author,
        reason="Questions about help at home, to finish later.",
    )
    for i in range(count):
        codesign.put_part(
            session,
            proposal=proposal,
            editor=author,
            kind=codesign.ChangeKind.ADD_ITEM,
            item=d.Question(
                name=f"help{i:03d}",
                type=d.QuestionType.TEXT,
                label={"en": f"Help at home, question {i + 1}"},
                relevance=f"${{help{i - 1:03d}}} != ''" if i else "",
            ),
        )
    return proposal


# Pages that need a suggestion of several changes (and its first change) in their address.
SEVERAL_PAGES = frozenset(
    {
        "surveys.change_several_reason",
        "surveys.add_several_part",
        "surveys.edit_several_part",
        "surveys.pick_several_item",
        "surveys.change_several_item",
    }
)


def study_pages(app: Flask, study: SampleStudy) -> dict[str, str]:
    """Return the address of every page of the study a facilitator can open, by endpoint."""
    values = {
        "study_slug": study.slug,
        "questionnaire_id": study.questionnaire_id,
        "proposal_id": study.proposal_id,
        "poll_id": study.poll_id,
        "comment_id": study.comment_id,
        "name": study.item_name,
        "number": study.version_number,
        "code": "cy",
        "version_id": study.version_id,
        "language": "cy",
        "membership_id": study.member.id,
        "item_kind": "question",
        "interview_id": study.interview_id,
        "held_id": study.held_id,
        "participant_code": study.participant_code,
        "consent_uuid": study.consent_uuid,
        "withdrawal_id": study.withdrawal_id,
    }
    pages = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "study_slug" not in rule.arguments:
            continue
        if rule.endpoint in NOT_STUDY_PAGES:
            continue
        known = values | consent_page_values(study.consent, rule.endpoint)
        arguments = {name: known[name] for name in rule.arguments}
        if rule.endpoint == "surveys.change_proposal":
            arguments["proposal_id"] = study.draft_proposal_id
        if rule.endpoint == "interviewing.show_consent":
            arguments |= {"version_id": study.consent_version_id, "language": "en"}
        if rule.endpoint in SEVERAL_PAGES:
            arguments |= {"proposal_id": study.several_proposal_id, "number": 1}
        with app.test_request_context():
            pages[rule.endpoint] = app.url_for(rule.endpoint, **arguments)
    return pages
