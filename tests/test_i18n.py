"""The templates' gettext: Jinja's new-style behaviour, with translations found once a page."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return render_template_string(source, **context)


def test_values_put_into_a_message_are_escaped(app):
    page = render(app, '{{ _("Hello %(name)s", name=who) }}', who="<b>Sam</b>")
    assert page == "Hello &lt;b&gt;Sam&lt;/b&gt;"


def test_plural_messages_fill_in_the_number(app):
    source = '{{ ngettext("%(num)d person", "%(num)d people", count) }}'
    assert render(app, source, count=1) == "1 person"
    assert render(app, source, count=3) == "3 people"


def test_a_percent_sign_is_written_doubled_as_in_jinja(app):
    assert render(app, '{{ _("100%% sure") }}') == "100% sure"


def test_a_page_rendered_in_a_forced_language_uses_it(app):
    with app.test_request_context("/"), force_locale("en"):
        assert render_template_string('{{ _("Sign out") }}') == "Sign out"
