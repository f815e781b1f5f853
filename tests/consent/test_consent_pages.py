"""The consent register, its CSV and a participant's page, for every role."""

from __future__ import annotations

import csv
import io

import pytest
from consent_pages_world import MARY, OWEN

from consent.models import ConsentRecord
from consent.participants import csv_cell
from consent.services import WithdrawalChoice, withdraw

from support import page_text

NOT_FACILITATORS = ("co_researcher", "peer_researcher", "academic_partner", "support_lead")


def test_register_lists_participants_by_code_without_names(client, auth, pages_world):
    """The register shows codes, versions, methods, what was agreed and status, no names."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(f"{pages_world.base}/register")
    assert response.status_code == 200
    text = page_text(response)
    assert MARY in text and OWEN in text
    assert "2 participants." in text
    assert "Signed" in text and "Said it out loud, with a witness" in text
    assert "Quotes, Contact about new research" in text
    assert "Active" in text
    assert "Mary Jones" not in text and "Owen Price" not in text and "Wendy" not in text


def test_register_filters_are_in_the_address_and_narrow_the_list(client, auth, pages_world):
    """Filtering by method keeps the filter in the CSV link and shows only matches."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(f"{pages_world.base}/register?method=verbal&status=&version=")
    text = page_text(response)
    assert OWEN in text and MARY not in text
    assert "1 participant." in text
    assert "register.csv?method=verbal" in response.get_data(as_text=True)
    assert "Show everyone" in text


def test_register_filter_by_status_and_unknown_filters(client, auth, pages_world, db_session):
    """A withdrawn participant shows under "withdrawn"; nonsense filters show everyone."""
    with client.application.test_request_context(method="POST"):
        withdraw(
            db_session,
            study=pages_world.study,
            code=OWEN,
            choice=WithdrawalChoice.KEEP_ANALYSED,
            reason="",
            by=pages_world.people["facilitator"],
        )
    db_session.commit()
    auth.sign_in(pages_world.people["facilitator"])
    text = page_text(client.get(f"{pages_world.base}/register?status=withdrawn"))
    assert OWEN in text and MARY not in text and "Withdrawn" in text
    text = page_text(client.get(f"{pages_world.base}/register?status=nonsense&version=x&page=-4"))
    assert OWEN in text and MARY in text


def test_register_version_filter(client, auth, pages_world):
    """Filtering by a version no one consented on shows nobody, plainly."""
    auth.sign_in(pages_world.people["facilitator"])
    number = pages_world.version.number
    assert MARY in page_text(client.get(f"{pages_world.base}/register?version={number}"))
    text = page_text(client.get(f"{pages_world.base}/register?version=99"))
    assert "2 participants" in text  # 99 is not a version: the filter is dropped


def test_register_pages_through_many_participants(client, auth, pages_world, db_session):
    """Sixty participants come fifty to a page, with a link to the next keeping filters."""
    template = pages_world.mary
    for number in range(58):
        db_session.add(
            ConsentRecord(
                uuid=f"00000000-0000-4000-8000-{number:012d}",
                study_id=pages_world.study.id,
                form_version_id=template.form_version_id,
                participant_code=f"AAA-{number:03d}",
                language="en",
                method=template.method,
                answers=dict(template.answers),
                given_at=template.given_at,
                interviewer_id=template.interviewer_id,
                content_hash="0" * 64,
                identifiable=None,
            )
        )
    db_session.commit()
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(f"{pages_world.base}/register?method=signature")
    body = response.get_data(as_text=True)
    assert "59 participants." in page_text(response)
    assert body.count('data-label="Participant code"') == 50
    assert "page=2" in body and "method=signature" in body
    second = client.get(f"{pages_world.base}/register?method=signature&page=2")
    assert second.get_data(as_text=True).count('data-label="Participant code"') == 9


def test_register_csv_has_codes_and_no_identifiable_details(client, auth, pages_world):
    """The CSV holds one row per participant, no names, contact details or signatures."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(f"{pages_world.base}/register.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["participant_code"] for row in rows} == {MARY, OWEN}
    assert {row["status"] for row in rows} == {"active"}
    for secret in ("Mary Jones", "Owen Price", "Wendy", "mary@example.org", "01234", "base64"):
        assert secret not in text


def test_register_csv_follows_the_filters(client, auth, pages_world):
    """The CSV link of a filtered page gives the filtered list."""
    auth.sign_in(pages_world.people["facilitator"])
    text = client.get(f"{pages_world.base}/register.csv?method=signature").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["participant_code"] for row in rows] == [MARY]


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_never_start_a_formula(value):
    """A cell a spreadsheet would run as a formula starts with an apostrophe instead."""
    assert csv_cell(value) == "'" + value
    assert csv_cell("KT7-M4C") == "KT7-M4C"


def test_participant_page_shows_consents_status_copies_and_withdraw(client, auth, pages_world):
    """A participant's page lists their consents with links to copies, and "withdraw"."""
    auth.sign_in(pages_world.people["facilitator"])
    response = client.get(f"{pages_world.base}/participants/{MARY}")
    assert response.status_code == 200
    text = page_text(response)
    body = response.get_data(as_text=True)
    assert f"Participant {MARY}" in text and "Active" in text
    assert "Taken by peer_researcher" in text
    assert f"/consent/copies/{pages_world.mary.uuid}" in body
    assert f"withdrawals/new?code={MARY}" in body
    assert "See their name and details" in text
    assert "Mary Jones" not in text


def test_unknown_participant_code_is_404(client, auth, pages_world):
    """A code the study does not have answers 404, also a code of another study."""
    auth.sign_in(pages_world.people["facilitator"])
    assert client.get(f"{pages_world.base}/participants/AAA-AAA").status_code == 404
    assert client.get(f"{pages_world.base}/participants/{'x' * 300}").status_code == 404


def test_other_studies_facilitator_cannot_see_this_register(client, auth, pages_world):
    """A facilitator of another study is refused here."""
    auth.sign_in(pages_world.people["other_facilitator"])
    assert client.get(f"{pages_world.base}/register").status_code == 403
    assert client.get(f"{pages_world.base}/participants/{MARY}").status_code == 403


@pytest.mark.parametrize("role", NOT_FACILITATORS)
def test_only_facilitators_see_the_register_and_participants(client, auth, pages_world, role):
    """Every other role is refused the register, its CSV and a participant's page."""
    auth.sign_in(pages_world.people[role])
    for path in ("register", "register.csv", f"participants/{MARY}", "withdrawals/new"):
        assert client.get(f"{pages_world.base}/{path}").status_code == 403, path


def test_the_study_navigation_shows_consent_pages_to_those_who_use_them(client, auth, pages_world):
    """Facilitators see "Consent register" and "Consent form"; co-researchers, who decide the
    form's wording, see "Consent form"; peer researchers see neither."""
    register, form = f"{pages_world.base}/register", f"{pages_world.base}/form/"
    expected = {
        "facilitator": {register: True, form: True},
        "co_researcher": {register: False, form: True},
        "peer_researcher": {register: False, form: False},
    }
    for role, links in expected.items():
        auth.sign_in(pages_world.people[role])
        home = client.get(f"/studies/{pages_world.study.slug}/").get_data(as_text=True)
        for address, shown in links.items():
            assert (f'href="{address}"' in home) is shown, (role, address)
        auth.sign_out()


def test_participant_code_may_be_typed_in_any_case(client, auth, pages_world):
    """A code typed in small letters or without the dash finds the participant."""
    auth.sign_in(pages_world.people["facilitator"])
    for typed in ("kt7-m4c", "KT7M4C"):
        response = client.get(f"{pages_world.base}/participants/{typed}")
        assert response.status_code == 200 and f"Participant {MARY}" in page_text(response)
