"""The consent form cut into parts, and the information sheet written as one box of text."""

from __future__ import annotations

import copy

import pytest

from consent.content import default_content
from consent.wording import parts
from consent.wording.markup import sheet_to_text, text_to_sheet


@pytest.fixture
def form(app):
    """Return the usual first wording."""
    with app.app_context():
        return default_content("en")


def test_split_and_join_give_the_form_back(form):
    assert parts.join(parts.split(form)) == form


def test_a_change_keeps_only_its_parts(form):
    after = copy.deepcopy(form)
    after["withdraw"]["en"] = "Ring us."
    before_parts, after_parts = parts.changes(form, after)
    assert list(after_parts) == ["withdraw:en"]
    assert before_parts["withdraw:en"] == form["withdraw"]["en"]


def test_changes_to_other_parts_merge_and_the_same_part_is_stale(form, app):
    title = copy.deepcopy(form)
    title["title"]["en"] = "New title"
    withdraw = copy.deepcopy(form)
    withdraw["withdraw"]["en"] = "Ring us."
    base_t, new_t = parts.changes(form, title)
    base_w, new_w = parts.changes(form, withdraw)
    with app.app_context():
        merged = parts.apply(parts.apply(form, base_t, new_t), base_w, new_w)
        assert merged["title"]["en"] == "New title" and merged["withdraw"]["en"] == "Ring us."
        other_title = copy.deepcopy(form)
        other_title["title"]["en"] = "Another title"
        base_o, new_o = parts.changes(form, other_title)
        with pytest.raises(parts.StalePartError) as stale:
            parts.apply(merged, base_o, new_o)
    assert stale.value.part == "title:en"


def test_a_new_language_adds_its_parts_only(form):
    after = copy.deepcopy(form)
    after["languages"].append("cy")
    after["language_names"]["cy"] = "Cymraeg"
    after["title"]["cy"] = "Teitl"
    after["statements"][0]["text"]["cy"] = "Rwy'n cytuno."
    _before, proposed = parts.changes(form, after)
    assert set(proposed) == {"languages", "title:cy", "statement_words:cy"}


def test_the_sheet_markup_round_trips():
    blocks = [
        {"kind": "heading", "text": "What is it about?"},
        {"kind": "paragraph", "text": "We want to hear from you."},
        {"kind": "list", "items": ["Your care", "Your home"]},
    ]
    assert text_to_sheet(sheet_to_text(blocks)) == blocks


def test_the_sheet_markup_reads_loose_writing():
    text = "#  Title \nline one\nline two\n- a\n* b\n\n\n#\nlast"
    assert text_to_sheet(text) == [
        {"kind": "heading", "text": "Title"},
        {"kind": "paragraph", "text": "line one line two"},
        {"kind": "list", "items": ["a", "b"]},
        {"kind": "paragraph", "text": "last"},
    ]
