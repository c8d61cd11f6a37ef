"""Untrusted text becomes wikitext that renders as plain text."""

from __future__ import annotations

import re

import pytest

from bot.rendering import environment
from bot.wikitext import escape, link_target

HOSTILE = [
    "{{subst:Delete everything}}", "[[Category:Bad]]", "~~~~", "<script>x</script>",
    "'''bold'''", "__NOTOC__", "== heading ==", "[http://evil.example x]",
    "https://evil.example/", "{| class=wikitable", "|}", "<!-- c -->", "</nowiki>",
    "#REDIRECT [[X]]", "* list", "----", "&lt;b&gt;", "{{{1}}}", "-{ zh }-",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_leaves_no_markup_characters(text):
    out = escape(text)
    # After escaping only entities, letters, digits and spaces remain.
    assert not re.search(r"[\[\]{}<>|~'=!_:*#;/-]", re.sub(r"&#?\w+;", "", out))


def test_escape_is_reversible_as_display_text():
    import html
    text = "Alice's [[link]] {{t}} ~~~~ a_b"
    assert html.unescape(escape(text)) == text


def test_escape_drops_bidi_and_zero_width_and_newlines():
    assert escape("a\u202eb\u200bc\nd") == "abc d"


def test_escape_shortens_long_text():
    assert len(escape("x" * 500, max_length=20)) == 20


def test_link_target_refuses_markup():
    assert link_target("File:A.png") == ":File:A.png"
    with pytest.raises(ValueError):
        link_target("A]]{{B}}")


def test_templates_use_strict_undefined():
    import jinja2
    env = environment()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
