"""The edge: NUL bytes never reach the database, ids no column can hold are not found."""

from __future__ import annotations

import pytest

from peer_research.edge import MAX_ID, parse_id

from support import page_text


def test_a_nul_byte_in_the_sign_in_form_is_an_ordinary_wrong_password(client, make_user):
    person = make_user()
    response = client.post(
        "/sign-in", data={"username": f"{person.username}\x00", "password": "x\x00y"}
    )
    assert response.status_code == 200
    assert "password" in page_text(response).lower()


def test_a_nul_byte_in_typed_text_is_taken_out_and_the_rest_kept(client, auth, make_member):
    member = make_member()
    auth.sign_in(member.user)
    jargon = f"/studies/{member.study.slug}/jargon"
    response = client.post(
        f"{jargon}/new", data={"term": "Respite\x00care", "suggestion": "a short\x00 break"}
    )
    assert response.status_code == 302
    page = page_text(client.get(jargon))
    assert "Respitecare" in page and "a short break" in page


def test_a_nul_byte_in_an_address_is_refused_plainly(client, auth, make_member):
    member = make_member()
    auth.sign_in(member.user)
    response = client.get("/studies/a%00b")
    assert response.status_code == 400
    assert "This web address has a character that cannot be in one" in page_text(response)


@pytest.mark.parametrize("number", [2**31, 2**63, 2**64, 10**30])
def test_ids_no_column_can_hold_are_not_found(client, auth, make_member, number):
    member = make_member()
    auth.sign_in(member.user)
    response = client.get(f"/studies/{member.study.slug}/questionnaires/{number}/")
    assert response.status_code == 404
    assert client.get(f"/notifications/{number}").status_code == 404


def test_the_largest_id_is_still_looked_up(client, auth, make_member):
    member = make_member()
    auth.sign_in(member.user)
    response = client.get(f"/studies/{member.study.slug}/questionnaires/{MAX_ID}/")
    assert response.status_code == 404  # looked up, and there is none


def test_ids_from_forms_and_query_strings_are_bounded():
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in (str(MAX_ID + 1), "9" * 40, "-1", "0", "", None, "٣", "1e3", " 7x"):
        assert parse_id(bad) is None, bad
    assert parse_id("0", minimum=0) == 0
