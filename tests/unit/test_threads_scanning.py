"""How bot.threads finds signatures fast, checked against the plain way of doing it.

The parser looks for zones first and searches for dates only near them, looks back
from each timestamp for its user link, and builds comments and threads without the
frozen dataclass __init__.  Each shortcut is compared here with the straightforward
version (whole-page finditer, real constructors) on generated wikitext.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import fields, replace
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.boards import load_preset
from bot.threads import (Comment, Thread, _last_user_link, _new_comment, _new_thread,
                         _timestamps, mask_hidden, parse_threads)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPACE = st.sampled_from([" ", "  ", "\u00a0", " \u00a0 "])


@st.composite
def timestamp_text(draw, preset: str) -> str:
    """A timestamp in *preset*'s format, with odd but real spacing."""
    hour, minute = draw(st.integers(0, 29)), draw(st.integers(0, 59))
    day, year = draw(st.integers(0, 39)), draw(st.integers(1999, 2031))
    if preset == "enwiki":
        month = draw(st.sampled_from(["June", "September", "Sept", "May", "Dec"]))
        zone = draw(st.sampled_from(["UTC", "CET"]))  # CET is not an enwiki zone
        s = [draw(SPACE) for _ in range(4)]
        return f"{hour}:{minute:02d},{s[0]}{day}{s[1]}{month}{s[2]}{year}{s[3]}({zone})"
    month = draw(st.sampled_from(["Sep.", "Sept.", "Mär.", "Mai", "Dez"]))
    zone = draw(st.sampled_from(["CET", "CEST", "MESZ", "UTC", "PST"]))
    s = [draw(SPACE) for _ in range(4)]
    return f"{hour}:{minute:02d},{s[0]}{day}.{s[1]}{month}{s[2]}{year}{s[3]}({zone})"


def wikitext(preset: str):
    user_ns = "Benutzer" if preset == "dewiki" else "User"
    pieces = st.sampled_from([
        "\n", " ", ": ", "text ", "1", "12", "(", ")", "(UTC)", "[[", "]]", "[", "|", "/",
        f"[[{user_ns}:Alice|A]] ", "[[User talk:Bob|talk]] ", "[[Special:Contributions/192.0.2.7]]",
        "[[[User:Carol]]", "[[User:Dave 12:00, 1 May 2024 (UTC)]]", "[[Article]] ", "== H ==\n",
    ]) | timestamp_text(preset)
    return st.lists(pieces, max_size=40).map("".join)


def _plain_timestamps(masked, preset):
    return [(m.start(), m.end()) for m in preset.timestamp_re.finditer(masked)]


@pytest.mark.parametrize("name", ["enwiki", "dewiki"])
def test_zone_first_search_finds_what_a_whole_page_search_finds(name):
    preset = load_preset(name)

    @FUZZ
    @given(wikitext(name))
    def check(text):
        masked = mask_hidden(text)
        assert [(m.start(), m.end()) for m in _timestamps(masked, preset)] == \
            _plain_timestamps(masked, preset)

    check()


def _plain_last_link(masked, preset, start, end):
    links = list(preset.user_link_re.finditer(masked))
    i = bisect_right([m.end() for m in links], end) - 1
    return links[i] if i >= 0 and links[i].start() >= start else None


@FUZZ
@given(wikitext("enwiki"), st.data())
def test_looking_back_for_the_link_finds_the_last_link_of_a_forward_scan(text, data):
    preset = load_preset("enwiki")
    end = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, end))
    got = _last_user_link(text, preset.user_link_re.match, start, end)
    want = _plain_last_link(text, preset, start, end)
    assert (got.span() if got else None) == (want.span() if want else None)


def test_user_link_pattern_does_not_backtrack_on_long_unclosed_links():
    # Nested repetition in the name pattern would take exponential time on these.
    stamp = " 12:00, 1 May 2024 (UTC)"
    for link in ("[[User:" + "ab c_" * 4000 + "x", "[[User talk:" + "a " * 8000):
        comments = parse_threads(f"== T ==\n{link}{stamp}\n")[0].comments
        assert [(c.author, c.signature_kind) for c in comments] == [(None, "timestamp-only")]


def test_padded_timestamp_beyond_the_first_window_is_still_found():
    stamp = "12:34,\u00a0\u00a0 5 \u00a0 September \u00a0  2011 \u00a0 (UTC)"
    assert len(stamp) > load_preset("enwiki").stamp_before + len("(UTC)")
    threads = parse_threads(f"== T ==\nHi. [[User:Ann]] {stamp}\n")
    assert [(c.author, c.timestamp) for c in threads[0].comments] == \
        [("Ann", datetime(2011, 9, 5, 12, 34, tzinfo=timezone.utc))]


def test_local_zone_is_converted_to_utc():
    text = ("== T ==\nA. [[Benutzer:Bea]] 00:30, 1. Jan. 2024 (CET)\n"
            "B. [[BD:Cem]] 01:05, 1. Jul. 2024 (CEST)\n")
    comments = parse_threads(text, "dewiki")[0].comments
    assert [(c.author, c.timestamp) for c in comments] == [
        ("Bea", datetime(2023, 12, 31, 23, 30, tzinfo=timezone.utc)),
        ("Cem", datetime(2024, 6, 30, 23, 5, tzinfo=timezone.utc))]


# --------------------------------------------------------------------------- {{#if:}}

BAREK = ("[[User:Barek|Barek]] <small>([[User talk:Barek|talk]] • "
         "[[Special:Contributions/Barek|contribs]])</small> - 17:15, 28 September 2011 (UTC)")
WHEN = datetime(2011, 9, 28, 17, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("block", [
    f"{{{{ #if: - {BAREK} | Thank you. - {BAREK}}}}}",
    f"{{{{#IF: x | Thanks. {BAREK} | Thank you. {BAREK}}}}}",
    f"{{{{#switch: {{{{NAMESPACE}}}} | User talk = {BAREK} | #default = Thanks. {BAREK}}}}}",
    f"{{{{#ifeq: a | b | {{{{#if: y | {BAREK} }}}} | {BAREK}}}}}",
])
def test_signature_repeated_in_branches_of_one_parser_function_is_one_comment(block):
    text = (f"== Block ==\nBlocked.\n\n{block}<!-- Template:Schoolblock -->\n"
            ":Reply. [[User:Ip]] 18:00, 28 September 2011 (UTC)\n")
    comments = parse_threads(text)[0].comments
    assert [(c.author, c.timestamp) for c in comments] == [
        ("Barek", WHEN), ("Ip", datetime(2011, 9, 28, 18, 0, tzinfo=timezone.utc))]
    assert comments[0].end == text.index(BAREK) + len(BAREK)  # the first copy is kept


@pytest.mark.parametrize("text", [
    # Two comments in the same minute by the same account, no parser function.
    f"== T ==\nFirst. {BAREK}\n:Second. {BAREK}\n",
    # Different signatures in the branches: which one renders is unknown, keep both.
    "== T ==\n{{#if: x | [[User:A]] 10:00, 1 May 2024 (UTC) | [[User:B]] 10:00, 1 May 2024 (UTC)}}",
    # Same author and time, but written differently: not a copy.
    "== T ==\n{{#if: x | [[User:A]] 10:00, 1 May 2024 (UTC) |"
    " [[User:A|A]] 10:00, 1 May 2024 (UTC)}}",
    # A repeat after the block has closed.
    f"== T ==\n{{{{#if: x | {BAREK}}}}}\n:Again. {BAREK}\n",
])
def test_repeats_outside_one_branching_block_stay_separate_comments(text):
    assert len(parse_threads(text)[0].comments) == 2


# --------------------------------------------------------------------------- constructors

def test_fast_constructors_make_the_same_objects_as_the_dataclasses():
    values = ("Ann", datetime(2024, 5, 1, tzinfo=timezone.utc), 3, 40, 2, "unsigned")
    fast, real = _new_comment(*values), Comment(*values)
    assert fast == real and hash(fast) == hash(real) and repr(fast) == repr(real)
    assert list(vars(fast)) == [f.name for f in fields(Comment)]
    assert replace(fast, indent=0) == replace(real, indent=0)
    with pytest.raises(AttributeError):
        fast.author = "Mallory"  # still frozen

    args = ("H", "''H''", 0, 50, (real,), None, "thread", 9, "k1")
    fast_thread, real_thread = _new_thread(*args), Thread(*args)
    assert fast_thread == real_thread and repr(fast_thread) == repr(real_thread)
    assert list(vars(fast_thread)) == [f.name for f in fields(Thread)]
    assert fast_thread.key == "k1" and fast_thread.author == "Ann"


@pytest.mark.parametrize("enabled", [True, False])
def test_parsing_leaves_the_cycle_collector_as_it_found_it(enabled):
    # The parsers pause the collector while they run (bot.threads._collector_paused);
    # a caller that had switched it off must find it off, and on if it was on.
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        text = "== A ==\nHello. [[User:Ann|Ann]] 10:00, 1 May 2024 (UTC)\n"
        assert parse_threads(text)[0].comments[0].author == "Ann"
        assert gc.isenabled() is enabled
        with pytest.raises(AttributeError):
            parse_threads(None)  # a failing parse restores it too
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_overlapping_parses_share_one_pause():
    # A parse that ends while another runs must not switch the collector back on under
    # it; the last one to end does.
    import gc
    import threading

    from bot.threads import _collector_paused

    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    @_collector_paused
    def first():
        first_in.set()
        second_in.wait(5)

    @_collector_paused
    def second():
        second_in.set()
        first_out.wait(5)
        seen["during"] = gc.isenabled()  # the first has finished by now

    was = gc.isenabled()
    gc.enable()
    try:
        one = threading.Thread(target=first)
        one.start()
        first_in.wait(5)
        two = threading.Thread(target=second)
        two.start()
        one.join()
        first_out.set()
        two.join()
        assert seen["during"] is False
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
