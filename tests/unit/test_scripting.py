"""The option parsing every script shares (Pywikibot's global options are left to it).

Pywikibot's own ``handle_args`` reads the default site, so here it is replaced by one
that takes the global options we use (``-lang``, ``-simulate``) and returns the rest:
what is tested is our parsing of what Pywikibot leaves.
"""

from __future__ import annotations

import pytest
import pywikibot

from bot.scripting import parse_options, take_language


@pytest.fixture(autouse=True)
def offline_handle_args(monkeypatch):
    def handle_args(args):
        args = args or pywikibot.argvu[1:]  # as Pywikibot's does
        return [a for a in args if not a.startswith(("-lang:", "-simulate"))]

    monkeypatch.setattr(pywikibot, "handle_args", handle_args)
    monkeypatch.setattr(pywikibot.bot, "suggest_help", lambda **kw: None)


def test_values_flags_and_repeated_options():
    options = parse_options(["-board:a", "-board:b", "-archives", "-since:2026-01-01",
                             "-deployment:x.yaml"],
                            values=("since",), flags=("archives",), repeated=("board",))
    assert options == {"board": ["a", "b"], "archives": True, "since": "2026-01-01",
                       "deployment": "x.yaml"}


def test_unknown_or_missing_options_give_none():
    assert parse_options(["-bogus"], values=("page",)) is None
    assert parse_options([], values=("page", "file"), one_of=("page", "file")) is None
    assert parse_options(["-file:"], values=("page", "file"), one_of=("page", "file")) == {"file": ""}
    assert parse_options([], repeated=("board",), one_of=("board",)) is None


def test_lang_is_ours_only_when_the_script_writes_in_a_language():
    assert parse_options(["-lang:de", "-page:X"], values=("page",), language=True) == {
        "lang": "de", "page": "X"}
    assert take_language(["-lang:de", "-x"]) == ("de", ["-x"])
    # Without language=True, -lang is Pywikibot's global option (the site's code).
    assert "lang" not in (parse_options(["-lang:de"]) or {})


def test_lang_alone_is_not_read_again_from_the_command_line(monkeypatch):
    # pwb update_resources -lang:de: the script's main() gets no arguments.
    monkeypatch.setattr(pywikibot, "argvu", ["update_resources", "-lang:de"])
    assert parse_options((), values=("page",), language=True) == {"lang": "de"}
    # main("-lang:de") called in-process must not read the host's command line.
    monkeypatch.setattr(pywikibot, "argvu", ["pytest", "-k", "something"])
    assert parse_options(("-lang:de",), values=("page",), language=True) == {"lang": "de"}
    assert pywikibot.argvu == ["pytest", "-k", "something"]

