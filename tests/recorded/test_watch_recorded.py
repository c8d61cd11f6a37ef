"""The watcher on recorded API traffic: no wiki needed, same events as when recorded.

The cassette was recorded from the local MediaWiki by ``python -m tests.recorded.cassette``
(see that module); these tests replay it, so they run anywhere in a second.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.seed import load_expected
from bot.threads import heading_text
from bot.usernames import canonical_user_name
from tests.recorded.cassette import BOARDS, _planted, recorder, recorded_site, run_backfill

CASSETTE = "watch_backfill.yaml"


def test_replayed_backfill_finds_the_expected_reports():
    with recorder("none").use_cassette(CASSETTE) as cassette:
        events, requests = run_backfill(recorded_site())
        # Every recorded answer to the watcher's own queries was used.
        watcher = [r for r in cassette.requests if b"prop=revisions" in (r.body or b"")]
        block_log = [r for r in cassette.requests if b"list=logevents" in (r.body or b"")]
        assert all(cassette.play_counts[cassette.data.index((r, resp))] for r, resp in
                   cassette.data if r in watcher)
    opened = Counter((e.heading, canonical_user_name(e.user)) for e in events
                     if e.kind == "thread-opened")
    expected = load_expected()
    for thread in expected.threads:
        if thread.board in BOARDS and thread.opened_in == "initial":
            key = (heading_text(thread.heading), canonical_user_name(thread.reporter))
            assert opened[key] == 1, key
    for report in expected.vandal_reports:
        if report.opened_in == "initial":
            assert any(canonical_user_name(h) == canonical_user_name(report.target)
                       for h, _ in opened), report.target
    # Two boards, one batched latest-revision query, history in pages of 50; and one
    # block-log query per user named by a closure that says nothing usable.
    closures_unread = [e for e in events if e.kind == "thread-closed"]
    assert len(block_log) <= 2 * len(closures_unread) * 3
    assert requests - len(block_log) <= 2 + 2 * 2


def test_replayed_triage_labels_flag_the_emergency():
    with recorder("none").use_cassette(CASSETTE):
        events, _ = run_backfill(recorded_site())
    emergencies = {e.heading for e in events if e.kind == "thread-opened" and e.emergency}
    for thread in load_expected().threads:
        if thread.board in BOARDS and thread.opened_in == "initial" and thread.emergency:
            assert heading_text(thread.heading) in emergencies


def test_cassettes_hold_no_secret_and_no_planted_personal_data():
    from tests.recorded.cassette import DIR

    for path in DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for needle in ("Set-Cookie", "lgpassword", "logintoken", "csrftoken"):
            assert needle.lower() not in text.lower(), (path.name, needle)
        # The recording wiki's address and port are replaced (an anonymous user's
        # name, 127.0.0.1, may stay: it is the loopback address, not a person).
        assert not re.search(r"127\.0\.0\.1:\d+", text), path.name
        for secret in _planted():
            assert secret not in text, (path.name, secret)
