"""Plain language: reading ease, jargon matching, the study's jargon list and the review page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from peer_research.studies.models import Role
from surveys import definition as d
from surveys import plain_language as pl
from surveys import services
from surveys.models import JargonTerm
from surveys.translations import texts as t

from builders import question, section
from support import page_text

HARD = (
    "Please indicate the extent to which the multidisciplinary intervention facilitated "
    "improvements in your psychological wellbeing."
)


# Reading ease -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("home", 1),
        ("make", 1),
        ("makes", 1),
        ("helped", 1),
        ("wanted", 2),
        ("table", 2),
        ("people", 2),
        ("beautiful", 3),
        ("questionnaire", 3),
        ("production", 3),
        ("yesterday", 3),
        ("multidisciplinary", 7),
    ],
)
def test_syllables_follow_the_documented_heuristic(word, syllables):
    assert pl.count_syllables(word) == syllables


def test_short_plain_questions_score_easy_and_long_formal_ones_very_hard():
    easy = pl.reading_ease("Do you feel safe at home? Who helps you?")
    hard = pl.reading_ease(HARD)
    assert pl.band_of(easy) is pl.Band.VERY_EASY
    assert pl.band_of(hard) is pl.Band.VERY_HARD and hard < 0
    assert pl.shown_score(hard) == 0 and pl.shown_score(easy) == 100
    assert pl.reading_ease("") is None and pl.reading_ease("123 - 456") is None


def test_flesch_formula_on_a_worked_example():
    # 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145
    assert pl.reading_ease("The cat sat on the mat.") == pytest.approx(116.145)
    # Two sentences halve the words per sentence.
    assert pl.reading_ease("The cat sat. It sat on the mat.") == pytest.approx(
        206.835 - 1.015 * 4 - 84.6 * 1
    )


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "Very easy"),
        (90, "Very easy"),
        (89.9, "Easy"),
        (75, "Fairly easy"),
        (60, "Plain"),
        (55, "Fairly hard"),
        (30, "Hard"),
        (29.9, "Very hard"),
        (-40, "Very hard"),
    ],
)
def test_bands(score, band):
    assert pl.band_of(score).label == band


def test_label_feedback_for_the_editor():
    jargon = [pl.Jargon("co-production", "working together")]
    english = pl.label_feedback("How did co production change things for you?", "en-GB", jargon)
    assert english["band"] in {band.label for band in pl.Band}
    assert 0 <= english["score"] <= 100
    assert english["jargon_hits"] == [
        {"term": "co-production", "found": "co production", "suggestion": "working together"}
    ]
    welsh = pl.label_feedback("Sut wnaeth co-production newid pethau?", "cy", jargon)
    assert welsh["score"] is None and welsh["band"] is None  # the formula is English only
    assert welsh["jargon_hits"][0]["found"] == "co-production"


# Jargon matching --------------------------------------------------------------------------


def found(text: str, *terms: str) -> list[str]:
    return [hit.found for hit in pl.find_jargon(text, [pl.Jargon(term) for term in terms])]


def test_jargon_matches_any_case_and_hyphen_or_space():
    text = "Co-production, co production, CO\u2013PRODUCTION and coproduction."
    assert found(text, "co-production") == [
        "Co-production",
        "co production",
        "CO\u2013PRODUCTION",
        "coproduction",
    ]
    assert found("A strengths based approach", "strengths-based") == ["strengths based"]
    assert found("Our service-users said", "service user") == ["service-users"]


def test_jargon_matches_whole_words_only():
    assert found("The cohorts met; a decohort did not; cohortly no.", "cohort") == ["cohorts"]
    assert found("outcome", "outcomes") == []
    assert found("stakeholder's view", "stakeholder") == ["stakeholder"]


def test_overlapping_terms_count_once_with_the_longest():
    hits = pl.find_jargon(
        "the service user group", [pl.Jargon("service"), pl.Jargon("service user")]
    )
    assert [(hit.term, hit.found) for hit in hits] == [("service user", "service user")]


def test_terms_without_words_never_match():
    assert found("anything at all", "", "   ", "-") == []


# The study's jargon list ------------------------------------------------------------------


def listed(db_session, study) -> list[str]:
    return [term.term for term in pl.jargon_terms(db_session, study=study)]


def test_list_is_seeded_once_with_the_defaults(db_session, facilitator):
    study = facilitator.study
    terms = listed(db_session, study)
    assert len(terms) == len(pl.DEFAULT_JARGON) >= 12
    assert {"co-production", "strengths-based", "service user", "cohort"} <= set(terms)
    assert pl.ensure_jargon_list(db_session, study=study) is False
    assert len(listed(db_session, study)) == len(terms)


def test_removing_every_term_does_not_bring_the_defaults_back(db_session, facilitator):
    study = facilitator.study
    for term in pl.jargon_terms(db_session, study=study):
        pl.remove_jargon_term(db_session, study=study, term_id=term.id)
    assert listed(db_session, study) == []


def test_seeding_keeps_a_term_the_group_already_has(db_session, facilitator):
    study = facilitator.study
    db_session.add(JargonTerm(study_id=study.id, term="Co Production", suggestion="ours"))
    db_session.flush()
    terms = pl.jargon_terms(db_session, study=study)
    assert [(t.term, t.suggestion) for t in terms if pl.term_key(t.term) == "coproduction"] == [
        ("Co Production", "ours")
    ]


def test_seeding_that_loses_a_race_adds_nothing(db_session, facilitator, monkeypatch):
    study = facilitator.study
    pl.ensure_jargon_list(db_session, study=study)  # the other request got there first
    before = db_session.scalar(sa.select(sa.func.count()).select_from(JargonTerm))
    monkeypatch.setattr(pl, "_marker", lambda _session, _study: None)  # checked before it did
    assert pl.ensure_jargon_list(db_session, study=study) is False
    assert db_session.scalar(sa.select(sa.func.count()).select_from(JargonTerm)) == before
    db_session.commit()  # the session is still usable after the refused insert


def test_each_study_has_its_own_list(db_session, facilitator, make_study):
    other = make_study()
    pl.add_jargon_term(db_session, study=other, term="Personal budget", suggestion="money")
    assert "Personal budget" not in listed(db_session, facilitator.study)
    assert "Personal budget" in listed(db_session, other)


# Pages ------------------------------------------------------------------------------------


@pytest.fixture
def base(client, auth, facilitator):
    """Sign the facilitator in and return the study's address."""
    auth.sign_in(facilitator.user)
    return f"/studies/{facilitator.study.slug}"


@pytest.fixture
def reviewed(app, db_session, questionnaire, facilitator):
    """Fill the questionnaire with easy, hard and jargon-laden wording, in English and Welsh."""
    items = [
        question("safe", label={"en": "Do you feel safe at home?"}),
        section(
            "support",
            question(
                "outcomes",
                label={"en": HARD, "cy": "Sut mae co-production wedi helpu?"},
                hint={"en": "Think about the co production group and other service users."},
            ),
            label={"en": "Your support"},
        ),
        question(
            "who",
            d.QuestionType.SELECT_ONE,
            label={"en": "Who helps you?"},
            choices=(d.Choice("a", {"en": "My family"}), d.Choice("b", {"en": "A stakeholder"})),
        ),
    ]
    with app.app_context():
        for item in items:
            services.add_item(
                db_session, questionnaire=questionnaire, item=item, changed_by=facilitator.user
            )
        t.add_language(db_session, questionnaire=questionnaire, code="cy", name="Cymraeg")
    db_session.commit()
    return questionnaire


def test_review_shows_bands_and_jargon_in_questionnaire_order(client, base, reviewed):
    response = client.get(f"{base}/questionnaires/{reviewed.id}/plain-language")
    page = page_text(response)
    assert "1 text is “Fairly hard” or harder to read." in page
    assert "5 uses of words from the jargon list." in page
    assert "Very hard 0 out of 100" in page and "Very easy" in page
    assert "“co production” : try “working together”" in page
    assert "“service users” : try “people who use services”" in page
    assert "“intervention” : try “support”" in page
    assert "“stakeholder” : try “people involved”" in page  # in an answer
    order = ["Do you feel safe", "Your support", "Please indicate", "Think about", "Who helps"]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    html = response.get_data(as_text=True)
    assert 'class="govuk-table app-table--stacked"' in html
    assert 'data-label="Reading ease"' in html and 'data-label="Jargon"' in html


def test_review_in_another_language_says_scores_are_english_only(client, base, reviewed):
    response = client.get(f"{base}/questionnaires/{reviewed.id}/plain-language?language=cy")
    page = page_text(response)
    assert "given for English only" in page and "There are no scores for Cymraeg" in page
    assert "Not scored: English only" in page and "out of 100" not in page
    assert "“co-production” : try “working together”" in page
    assert 'lang="cy" dir="ltr">Sut mae co-production' in response.get_data(as_text=True)


def test_review_for_an_unknown_language_falls_back_to_the_main_one(client, base, reviewed):
    page = page_text(client.get(f"{base}/questionnaires/{reviewed.id}/plain-language?language=zz"))
    assert "Do you feel safe at home?" in page


def test_any_member_can_read_the_review_and_the_list(
    client, auth, facilitator, make_member, reviewed
):
    peer = make_member(study=facilitator.study, roles=[Role.PEER_RESEARCHER])
    auth.sign_in(peer.user)
    study = f"/studies/{facilitator.study.slug}"
    review = page_text(client.get(f"{study}/questionnaires/{reviewed.id}/plain-language"))
    assert "Fairly hard" in review and "Change" not in review
    jargon = page_text(client.get(f"{study}/jargon"))
    assert "co-production" in jargon and "working together" in jargon
    assert "Add a word or phrase" not in jargon and "Remove" not in jargon


def test_add_a_term_and_see_it_flagged(client, base, reviewed):
    response = client.post(
        f"{base}/jargon/new", data={"term": "  Feel   safe ", "suggestion": "are you OK"}
    )
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "“Feel safe” is on the list." in page and "are you OK" in page
    review = page_text(client.get(f"{base}/questionnaires/{reviewed.id}/plain-language"))
    assert "“feel safe” : try “are you OK”" in review


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"term": "", "suggestion": ""}, "term", "Enter a word or phrase"),
        ({"term": "x" * 10_000, "suggestion": ""}, "term", "Use 100 characters or fewer"),
        ({"term": "jargon", "suggestion": "y" * 10_000}, "suggestion", "Use 200 characters"),
        ({"term": "Co Production", "suggestion": ""}, "term", "“co-production” is already"),
        ({"term": "SERVICE-USER", "suggestion": ""}, "term", "“service user” is already"),
        ({"term": "!!!", "suggestion": ""}, "term", "Use at least one letter or number"),
    ],
)
def test_bad_terms_are_explained_and_change_nothing(
    client, base, db_session, facilitator, data, field, message
):
    client.get(f"{base}/jargon")  # seeds the list
    before = listed(db_session, facilitator.study)
    response = client.post(f"{base}/jargon/new", data=data)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert "There is a problem" in page_text(response) and message in page_text(response)
    db_session.expire_all()
    assert listed(db_session, facilitator.study) == before


def test_remove_a_term(client, base, db_session, facilitator):
    html = client.get(f"{base}/jargon").get_data(as_text=True)
    action = re.search(r'action="([^"]+/remove)"', html).group(1)
    response = client.post(action, follow_redirects=True)
    assert "is off the list" in page_text(response)
    db_session.expire_all()
    assert len(listed(db_session, facilitator.study)) == len(pl.DEFAULT_JARGON) - 1


def test_a_term_of_another_study_cannot_be_removed(
    client, base, db_session, facilitator, make_study
):
    other = make_study()
    theirs = pl.jargon_terms(db_session, study=other)[0]
    db_session.commit()
    response = client.post(f"{base}/jargon/{theirs.id}/remove", follow_redirects=True)
    assert "not on this study's list" in page_text(response)
    assert theirs.term in listed(db_session, other)


def test_academic_partner_and_peer_researcher_cannot_change_the_list(
    client, auth, facilitator, make_member, db_session
):
    study = f"/studies/{facilitator.study.slug}"
    for role in (Role.ACADEMIC_PARTNER, Role.PEER_RESEARCHER):
        member = make_member(study=facilitator.study, roles=[role])
        auth.sign_in(member.user)
        assert client.get(f"{study}/jargon").status_code == 200
        assert client.post(f"{study}/jargon/new", data={"term": "data"}).status_code == 403
        term = pl.jargon_terms(db_session, study=facilitator.study)[0]
        assert client.post(f"{study}/jargon/{term.id}/remove").status_code == 403
        auth.sign_out()
    assert "data" not in listed(db_session, facilitator.study)
    assert len(listed(db_session, facilitator.study)) == len(pl.DEFAULT_JARGON)


def test_member_of_another_study_cannot_see_or_change_the_list(
    client, auth, facilitator, make_member, reviewed
):
    stranger = make_member(roles=[Role.FACILITATOR, Role.CO_RESEARCHER])
    auth.sign_in(stranger.user)
    study = f"/studies/{facilitator.study.slug}"
    assert client.get(f"{study}/jargon").status_code == 403
    assert client.post(f"{study}/jargon/new", data={"term": "data"}).status_code == 403
    assert client.get(f"{study}/questionnaires/{reviewed.id}/plain-language").status_code == 403
    own = f"/studies/{stranger.study.slug}/questionnaires/{reviewed.id}/plain-language"
    assert client.get(own).status_code == 404
