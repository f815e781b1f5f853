"""Translation and language suggestions: written, linked, decided and applied in one step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peer_research.errors import DomainError
from peer_research.studies.models import Role
from surveys import definition as d
from surveys import services as drafts
from surveys.codesign import services as codesign
from surveys.codesign.models import (
    LANGUAGES_TARGET,
    ChangeKind,
    EntryKind,
    ProposalState,
    RuleKind,
)
from surveys.codesign.rules import Rule
from surveys.translations import changes, suggestions
from surveys.translations import texts as t

from builders import age_question, everyone_votes, question, section, set_group_rule

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=7)


pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def group(make_design_group, db_session):
    """Return a design group of three and a draft in English and Welsh."""
    group = make_design_group(
        age_question(),
        question(
            "helped",
            d.QuestionType.SELECT_ONE,
            label={"en": "Did anyone help you?", "cy": "Wnaeth rhywun eich helpu?"},
        ),
        section("home", label={"en": "Your home"}),
        pat_role=Role.PEER_RESEARCHER,
    )
    t.add_language(db_session, questionnaire=group.questionnaire, code="cy", name="Cymraeg")
    return group


def _translate(db_session, group, author=None, texts=None, **extra):
    return suggestions.create_translation_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=author or group.pat,
        language="cy",
        texts=texts
        if texts is not None
        else {
            "age": {"label": "Faint yw eich oed?"},
            "helped": {"choices": {"yes": "Do", "no": "Naddo"}},
        },
        reason="Welsh speakers in the group",
        **extra,
    )


def _draft(db_session, group):
    return drafts.draft_definition(db_session, group.questionnaire)


def _poll_and_agree(db_session, group, proposal):
    codesign.open_proposal(db_session, proposal=proposal, opened_by=proposal.author, now=NOW)
    poll = codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=proposal.author, deadline=DEADLINE, now=NOW
    )
    return everyone_votes(db_session, poll, group.everyone, now=NOW + timedelta(minutes=1))


def _allow_direct_edits(db_session, group):
    set_group_rule(db_session, group, rule=Rule(RuleKind.CONSENT), allow_direct_edits=True)


# Writing ---------------------------------------------------------------------------------


def test_a_translation_bundle_keeps_only_the_changed_items_and_targets_each(db_session, group):
    proposal = _translate(
        db_session,
        group,
        texts={
            "age": {"label": "Faint yw eich oed?"},
            "helped": {"label": "Wnaeth rhywun eich helpu?"},  # the same words: no change
            "home": {"label": "Eich cartref"},
        },
    )
    assert proposal.kind == ChangeKind.TRANSLATE
    assert proposal.state == ProposalState.DRAFT
    assert proposal.target_name == "@cy"
    assert proposal.target_names == ["age", "home"]
    assert proposal.proposed["language"] == "cy"
    assert set(proposal.proposed["items"]) == {"age", "home"}
    assert proposal.proposed["items"]["age"]["label"] == {
        "en": "How old are you?",
        "cy": "Faint yw eich oed?",
    }
    assert proposal.base_content["age"]["label"] == {"en": "How old are you?"}
    assert set(proposal.base_content) == {"age", "home"}
    # Nothing in the draft changed yet.
    assert _draft(db_session, group).find("age").label == {"en": "How old are you?"}


def test_the_before_and_after_shows_word_changes_item_by_item(db_session, group):
    proposal = _translate(db_session, group)
    items = changes.translation_items(db_session, proposal=proposal)
    assert [(entry.name, entry.label) for entry in items] == [
        ("age", "How old are you?"),
        ("helped", "Did anyone help you?"),
    ]
    assert [(c.field, c.language, c.after, c.status) for c in items[0].changes] == [
        ("label", "cy", "Faint yw eich oed?", "added")
    ]
    assert [(c.field, c.after) for c in items[1].changes] == [
        ("choice:yes", "Do"),
        ("choice:no", "Naddo"),
    ]
    flat = codesign.before_after(db_session, proposal=proposal).changes
    assert len(flat) == 3


@pytest.mark.parametrize(
    ("language", "texts", "message"),
    [
        ("cy", {"helped": {"label": "Wnaeth rhywun eich helpu?"}}, "would not change anything"),
        ("cy", {}, "would not change anything"),
        ("pl", {"age": {"label": "Ile masz lat?"}}, "does not have the language pl"),
        ("en", {"age": {"label": "Age?"}}, "is the main language"),
        ("cy", {"gone": {"label": "Dim"}}, "gone is no longer in the draft"),
        ("cy", {"helped": {"choices": {"maybe": "Efallai"}}}, "does not have all the texts"),
        ("cy", {"age": {"relevance": "1 = 1"}}, "not a text that can be translated"),
        ("cy", {"age": {"label": "x" * 2001}}, "longer than 2000 characters"),
    ],
)
def test_bad_translations_are_refused_and_nothing_is_written(
    db_session, group, language, texts, message
):
    count = len(codesign.proposals_of(db_session, group.questionnaire))
    with pytest.raises(DomainError, match=message):
        suggestions.create_translation_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.pat,
            language=language,
            texts=texts,
            reason="Why not",
        )
    assert len(codesign.proposals_of(db_session, group.questionnaire)) == count


def test_a_question_changed_since_the_page_was_opened_is_named(db_session, group):
    revisions = drafts.draft_revisions(db_session, group.questionnaire)
    drafts.update_item(
        db_session,
        questionnaire=group.questionnaire,
        name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "Your age?"}),
        expected_revision=revisions["age"],
        changed_by=group.sam,
    )
    with pytest.raises(DomainError, match=r"Someone changed “Your age\?” \(age\) since"):
        _translate(db_session, group, base_revisions=revisions)


def test_only_design_group_members_may_suggest_and_a_reason_is_needed(db_session, group):
    """A draft may wait for its reason; putting it to the group asks for one."""
    with pytest.raises(DomainError, match="design group"):
        _translate(db_session, group, author=group.lee)
    draft = suggestions.create_translation_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.pat,
        language="cy",
        texts={"age": {"label": "Oed?"}},
        reason="   ",
    )
    with pytest.raises(DomainError, match="why you suggest"):
        codesign.open_proposal(db_session, proposal=draft, opened_by=group.pat)


def test_the_author_can_edit_a_draft_but_nobody_else_and_not_once_open(db_session, group):
    proposal = _translate(db_session, group)
    with pytest.raises(DomainError, match="Only the person"):
        suggestions.edit_translation_proposal(
            db_session,
            proposal=proposal,
            editor=group.ada,
            texts={"age": {"label": "Oed?"}},
            reason="Mine now",
        )
    suggestions.edit_translation_proposal(
        db_session,
        proposal=proposal,
        editor=group.pat,
        texts={"age": {"label": "Beth yw eich oed?"}},
        reason="Shorter",
    )
    assert proposal.target_names == ["age"]
    assert proposal.reason == "Shorter"
    assert proposal.proposed["items"]["age"]["label"]["cy"] == "Beth yw eich oed?"
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.pat, now=NOW)
    with pytest.raises(DomainError, match="withdraw it"):
        suggestions.edit_translation_proposal(
            db_session,
            proposal=proposal,
            editor=group.pat,
            texts={"age": {"label": "Oed"}},
            reason="Again",
        )


# Deciding and applying -------------------------------------------------------------------


def test_an_agreed_translation_bundle_is_applied_in_one_step(db_session, group):
    proposal = _translate(db_session, group)
    decision = _poll_and_agree(db_session, group, proposal)
    assert decision is not None
    assert decision.applied
    assert proposal.state == ProposalState.ACCEPTED
    draft = _draft(db_session, group)
    assert draft.find("age").label == {"en": "How old are you?", "cy": "Faint yw eich oed?"}
    assert [c.label for c in draft.find("helped").choices] == [
        {"en": "Yes", "cy": "Do"},
        {"en": "No", "cy": "Naddo"},
    ]
    [entry] = codesign.decision_log(db_session, group.questionnaire)
    assert entry.proposal == proposal
    assert entry.change["kind"] == "translate"


def test_a_facilitator_direct_edit_applies_the_bundle_and_is_logged_as_such(db_session, group):
    _allow_direct_edits(db_session, group)
    proposal = _translate(db_session, group, author=group.sam)
    codesign.apply_directly(db_session, proposal=proposal, editor=group.sam, now=NOW)
    assert proposal.state == ProposalState.ACCEPTED
    assert _draft(db_session, group).find("age").label["cy"] == "Faint yw eich oed?"
    [entry] = codesign.decision_log(db_session, group.questionnaire)
    assert entry.kind == EntryKind.DIRECT_EDIT


def test_a_translation_and_a_wording_change_of_one_question_are_linked(db_session, group):
    translation = _translate(db_session, group)
    wording = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.ada,
        kind=ChangeKind.CHANGE_ITEM,
        target_name="age",
        item=question("age", d.QuestionType.INTEGER, label={"en": "What is your age?"}),
        reason="Plainer",
    )
    assert codesign.linked_proposals(db_session, proposal=translation) == [wording]
    assert codesign.linked_proposals(db_session, proposal=wording) == [translation]
    _poll_and_agree(db_session, group, wording)
    assert wording.state == ProposalState.ACCEPTED
    assert translation.state == ProposalState.NEEDS_UPDATE
    assert not codesign.base_is_current(db_session, proposal=translation)
    with pytest.raises(DomainError, match=r"“What is your age\?” \(age\) changed"):
        codesign.open_proposal(db_session, proposal=translation, opened_by=group.pat, now=NOW)
    # Updating it takes the new base; the English words of the accepted change are kept.
    suggestions.edit_translation_proposal(
        db_session,
        proposal=translation,
        editor=group.pat,
        texts={"age": {"label": "Beth yw eich oed?"}},
        reason="Updated",
    )
    assert translation.state == ProposalState.DRAFT
    _poll_and_agree(db_session, group, translation)
    assert _draft(db_session, group).find("age").label == {
        "en": "What is your age?",
        "cy": "Beth yw eich oed?",
    }


def test_a_bundle_whose_question_changed_before_the_poll_closed_changes_nothing(db_session, group):
    proposal = _translate(db_session, group)
    codesign.open_proposal(db_session, proposal=proposal, opened_by=group.pat, now=NOW)
    poll = codesign.open_proposal_poll(
        db_session, proposal=proposal, opened_by=group.pat, deadline=DEADLINE, now=NOW
    )
    _allow_direct_edits(db_session, group)
    change = codesign.create_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.sam,
        kind=ChangeKind.CHANGE_ITEM,
        target_name="helped",
        item=question(
            "helped",
            d.QuestionType.SELECT_ONE,
            label={"en": "Did anyone help?", "cy": "Wnaeth rhywun eich helpu?"},
            choices=(d.Choice("yes", {"en": "Yes"}), d.Choice("no", {"en": "No"})),
        ),
        reason="Shorter",
    )
    codesign.apply_directly(db_session, proposal=change, editor=group.sam, now=NOW)
    assert proposal.state == ProposalState.NEEDS_UPDATE
    decision = codesign.close_poll(db_session, poll=poll, now=DEADLINE)
    assert not decision.applied
    assert "cy" not in _draft(db_session, group).find("age").label


# Languages -------------------------------------------------------------------------------


def test_adding_a_language_is_a_suggestion_applied_when_agreed(db_session, group):
    proposal = suggestions.create_languages_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.pat,
        add=d.Language("PL", " Polski "),
        reason="Polish families on the estate",
    )
    assert proposal.kind == ChangeKind.SET_LANGUAGES
    assert proposal.target_names == [LANGUAGES_TARGET]
    assert proposal.base_content == {
        "languages": [{"code": "en", "name": "English"}, {"code": "cy", "name": "Cymraeg"}]
    }
    assert proposal.proposed["languages"][-1] == {"code": "pl", "name": "Polski"}
    assert [lang.code for lang in drafts.languages_of(group.questionnaire)] == ["en", "cy"]
    change = changes.languages_change(proposal)
    assert [lang.name for lang in change.added] == ["Polski"]
    assert change.removed == []
    _poll_and_agree(db_session, group, proposal)
    assert [lang.code for lang in drafts.languages_of(group.questionnaire)] == ["en", "cy", "pl"]


def test_removing_a_language_removes_its_texts_and_outdates_its_translations(db_session, group):
    translation = _translate(db_session, group)
    other = suggestions.create_languages_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.ada,
        add=d.Language("pl", "Polski"),
        reason="Polish",
    )
    removal = suggestions.create_languages_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.sam,
        remove="cy",
        reason="Nobody speaks Welsh here",
    )
    assert codesign.linked_proposals(db_session, proposal=removal) == [other]
    _poll_and_agree(db_session, group, removal)
    assert [lang.code for lang in drafts.languages_of(group.questionnaire)] == ["en"]
    assert _draft(db_session, group).find("helped").label == {"en": "Did anyone help you?"}
    assert translation.state == ProposalState.NEEDS_UPDATE
    assert other.state == ProposalState.NEEDS_UPDATE


@pytest.mark.parametrize(
    ("add", "remove", "message"),
    [
        (None, "en", "main language cannot be removed"),
        (None, "de", "does not have the language de"),
        (d.Language("cy", "Welsh"), None, "already has Cymraeg"),
        (d.Language("fr", "cymraeg"), None, "already called Cymraeg"),
        (d.Language("not a code", "Klingon"), None, "language code like"),
        (d.Language("fr", ""), None, "language's name"),
        (d.Language("fr", "F" * 61), None, "60 characters"),
        (None, None, "one language to add or to remove"),
        (d.Language("fr", "Français"), "cy", "one language to add or to remove"),
    ],
)
def test_bad_language_changes_are_refused(db_session, group, add, remove, message):
    with pytest.raises(DomainError, match=message):
        suggestions.create_languages_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.pat,
            add=add,
            remove=remove,
            reason="Why not",
        )


def test_the_last_language_cannot_be_removed(db_session, group):
    group.questionnaire.languages = [{"code": "en", "name": "English"}]
    with pytest.raises(DomainError, match="at least one language"):
        suggestions.create_languages_proposal(
            db_session,
            questionnaire=group.questionnaire,
            author=group.pat,
            remove="en",
            reason="Why not",
        )


def test_a_languages_suggestion_outdated_by_another_is_not_applied(db_session, group):
    first = suggestions.create_languages_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.ada,
        add=d.Language("pl", "Polski"),
        reason="Polish",
    )
    second = suggestions.create_languages_proposal(
        db_session,
        questionnaire=group.questionnaire,
        author=group.pat,
        add=d.Language("ur", "اردو"),
        reason="Urdu",
    )
    _poll_and_agree(db_session, group, first)
    assert second.state == ProposalState.NEEDS_UPDATE
    with pytest.raises(DomainError, match="languages changed"):
        codesign.open_proposal(db_session, proposal=second, opened_by=group.pat, now=NOW)
    suggestions.edit_languages_proposal(
        db_session,
        proposal=second,
        editor=group.pat,
        add=d.Language("ur", "اردو"),
        reason="Urdu, again",
    )
    _poll_and_agree(db_session, group, second)
    assert [lang.code for lang in drafts.languages_of(group.questionnaire)] == [
        "en",
        "cy",
        "pl",
        "ur",
    ]
