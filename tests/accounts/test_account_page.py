"""The account page says what it knows about a person in words, never "None"."""

from __future__ import annotations

from support import page_text


def test_an_account_without_an_e_mail_address_says_so_in_words(client, auth, make_user):
    """No e-mail address reads as a sentence, not as "None"."""
    auth.sign_in(make_user(display_name="Jo Reed"))
    text = page_text(client.get("/account"))
    assert "Jo Reed" in text
    assert "We do not have an e-mail address for you." in text
    assert "None" not in text


def test_an_account_with_an_e_mail_address_shows_it(client, auth, make_user):
    """The address someone gave is shown as it is."""
    auth.sign_in(make_user(email="jo@example.org"))
    text = page_text(client.get("/account"))
    assert "jo@example.org" in text
    assert "We do not have an e-mail address" not in text
