"""bot.threads on our own hard cases (tests/data/threads/cases.yaml) and on edge input."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from bot.boards import load_preset
from bot.errors import DataError
from bot.threads import heading_text, mask_hidden, parse_board, parse_entries, parse_threads

CASES = yaml.safe_load((Path(__file__).parent.parent / "data" / "threads" / "cases.yaml")
                       .read_text(encoding="utf-8"))


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case):
    threads = parse_threads(case["text"], case.get("preset", "enwiki"))
    expected = case["expect"]["threads"]
    assert [t.heading for t in threads] == [e["heading"] for e in expected]
    for thread, want in zip(threads, expected):
        got = [(c.author, c.timestamp) for c in thread.comments]
        assert got == [(a, _time(t)) for a, t in want["comments"]], thread.heading
        if "closure" in want:
            if want["closure"] is None:
                assert thread.closure is None
            else:
                for name, value in want["closure"].items():
                    assert getattr(thread.closure, name) == value, (thread.heading, name)
    assert len({t.key for t in threads}) == len(threads)


def test_spans_point_into_the_original_text():
    text = CASES[1]["text"]
    for thread in parse_threads(text):
        assert text[thread.start:].startswith("==")
        for comment in thread.comments:
            assert text[comment.end - 5:comment.end] == "(UTC)"
            assert comment.start < comment.end
    indents = [c.indent for c in parse_threads(text)[0].comments]
    assert indents == [0, 1]


def test_masking_keeps_length_and_lines():
    text = "a<!-- b\nc -->d<nowiki>[[User:X]]</nowiki>e"
    masked = mask_hidden(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "User" not in masked and masked.startswith("a") and masked.endswith("e")


def test_thread_key_survives_rename_and_move():
    before = parse_threads("== Old name ==\nX. [[User:A]] 01:00, 1 May 2024 (UTC)\n"
                           "== Other ==\nY. [[User:B]] 02:00, 1 May 2024 (UTC)\n")
    after = parse_threads("== Other ==\nY. [[User:B]] 02:00, 1 May 2024 (UTC)\n"
                          "== New name ==\nX. [[User:A]] 01:00, 1 May 2024 (UTC)\n"
                          ":Reply. [[User:C]] 03:00, 1 May 2024 (UTC)\n")
    assert before[0].key == after[1].key and before[1].key == after[0].key


def test_vandalism_board_entries():
    text = ("== User-reported ==\n"
            "* {{vandal|Spammer 1}} – spam after warnings. [[User:Rep]] 01:00, 1 May 2024 (UTC)\n"
            "*:Declined, not enough warnings. [[User:Adm]] 01:30, 1 May 2024 (UTC)\n"
            "* {{IPvandal|192.0.2.1}} – vandalism. [[User:Rep2]] 02:00, 1 May 2024 (UTC)\n"
            "== Bot-reported ==\n"
            "<!-- * {{vandal|Example}} -->\n")
    entries = parse_entries(text)
    assert [e.heading for e in entries] == ["Spammer 1", "192.0.2.1"]
    assert [c.author for c in entries[0].comments] == ["Rep", "Adm"]
    assert [c.author for c in entries[1].comments] == ["Rep2"]
    assert parse_board(text, layout="entries") == entries
    with pytest.raises(ValueError):
        parse_board(text, layout="columns")


@pytest.mark.parametrize("raw, plain", [
    ("[[User:A|B]] &amp; {{u|Carol}}", "B & Carol"),
    ("''x'' '''y''' <small>z</small>", "x y z"),
    ("[https://example.org site] {{tl|x}}", "site"),
])
def test_heading_text(raw, plain):
    assert heading_text(raw) == plain


@pytest.mark.parametrize("junk", ["[//x " * 100_000, "<a " * 160_000, "[[a " * 125_000,
                                  "{{a " * 125_000, "[//" + "x" * 500_000, "[//x" + " " * 500_000])
def test_a_long_heading_of_unclosed_markup_is_read_promptly(junk, watchdog):
    # "[//x " x 20,000 took 10 s and grew with the square of the length
    with watchdog(20, f"heading_text on 500 KB of {junk[:6]!r}..."):
        assert heading_text(junk + " [https://example.org x]").endswith("x")


@pytest.mark.parametrize("text", ["", "no headings at all", "==\n", "== ==\n", "=\n=",
                                  "== a ==\n{{" * 50, "[[User:" * 1000 + "\n== b ==",
                                  "\x00\ufeff== x ==\n\u202e[[User:Y]] 01:00, 1 May 2024 (UTC)"])
def test_malformed_input_never_raises(text):
    threads = parse_threads(text)
    assert all(t.start <= t.end for t in threads)


def test_invalid_dates_are_not_timestamps():
    threads = parse_threads("== x ==\nA. [[User:A]] 25:99, 31 February 2024 (UTC)\n")
    assert threads[0].comments == ()


def test_unknown_preset_and_broken_preset_name_the_file(tmp_path):
    with pytest.raises(DataError, match="nosuch.yaml"):
        load_preset("nosuch")
    (tmp_path / "broken.yaml").write_text(
        "name: broken\nlanguage: en\ntimestamp: {format: '{hour}', months: [a], zones: {}}\n"
        "namespaces: {}\n")
    with pytest.raises(DataError, match=r"broken.yaml: entry .*field 'timestamp"):
        load_preset("broken", str(tmp_path))


@pytest.mark.parametrize("name", ["enwiki", "dewiki"])
def test_shipped_presets_load(name):
    preset = load_preset(name)
    assert preset.timestamp_re.pattern and preset.user_link_re.pattern
