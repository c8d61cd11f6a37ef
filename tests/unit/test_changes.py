"""bot.changes.diff_threads: what one revision did, at thread level.

Small cases in the spirit of DiscussionTools' EventDispatcher tests (written by us),
then the whole sample-board history replayed edit by edit against expected.yaml.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.changes import diff_threads
from bot.seed import load_expected, load_seed
from bot.threads import heading_text
from bot.usernames import canonical_user_name

A = "== A ==\nReport. [[User:X]] 00:01, 1 January 2020 (UTC)\n"
C = "== C ==\nOther. [[User:Y]] 00:02, 1 January 2020 (UTC)\n"


def kinds(old: str, new: str, **kw) -> list[tuple[str, str, str | None]]:
    return [(c.kind, c.heading, c.author) for c in diff_threads(old, new, **kw)]


def test_new_section():
    assert kinds(A, A + C) == [("thread-opened", "C", "Y")]


def test_first_revision_of_a_board():
    assert kinds("", A) == [("thread-opened", "A", "X")]


def test_reply_and_reply_in_subsection():
    new = A + ":Reply. [[User:Z]] 00:03, 1 January 2020 (UTC)\n=== sub ===\nMore. [[User:W]] 00:04, 1 January 2020 (UTC)\n"
    assert kinds(A, new) == [("comment-added", "A", "Z"), ("comment-added", "A", "W")]


def test_two_comments_in_the_same_minute_by_the_same_user():
    one = A + ":R. [[User:Z]] 00:03, 1 January 2020 (UTC)\n"
    two = one + ":R again. [[User:Z]] 00:03, 1 January 2020 (UTC)\n"
    assert kinds(one, two) == [("comment-added", "A", "Z")]


def test_header_edits_are_not_events():
    assert kinds("Header\n" + A, "Header changed ~~~ 00:09, 1 January 2020 (UTC)\n" + A) == []


def test_rename_and_move_keep_identity():
    renamed = A.replace("== A ==", "== A (renamed) ==")
    assert kinds(A + C, C + renamed) == []


def test_emptied_section_is_not_a_new_thread():
    assert kinds(A + C, "== A ==\n\n" + C) == []


def test_removing_one_of_two_same_headings():
    first = "== Same ==\nOne. [[User:P]] 01:00, 1 January 2020 (UTC)\n"
    second = "== Same ==\nTwo. [[User:Q]] 02:00, 1 January 2020 (UTC)\n"
    changes = diff_threads(first + second, second)
    assert [(c.kind, c.author) for c in changes] == [("thread-removed", "P")]


def test_closure_and_reopening():
    closed = A.replace("== A ==\n", "== A ==\n{{atop|result=No action. [[User:Adm]] 00:09, 1 January 2020 (UTC)}}\n") + "{{abot}}\n"
    assert kinds(A, closed) == [("thread-closed", "A", "Adm")]
    assert kinds(closed, A) == [("thread-reopened", "A", None)]


def test_removed_thread_and_level_one_heading():
    assert kinds(A + C, C) == [("thread-removed", "A", "X")]
    assert kinds(A, "= Level one =\n" + A) == []


def test_entries_layout():
    old = "* {{vandal|Bad}} spam [[User:R]] 01:00, 1 January 2020 (UTC)\n"
    new = old + "* {{IPvandal|192.0.2.1}} vandal [[User:S]] 02:00, 1 January 2020 (UTC)\n"
    assert kinds(old, new, layout="entries") == [("thread-opened", "192.0.2.1", "S")]
    assert kinds(new, new.split("\n", 1)[1], layout="entries") == [("thread-removed", "Bad", "R")]


# --------------------------------------------------------------------------- the seed

@pytest.fixture(scope="module")
def replay():
    """Every event the sample history produces, as (board key, kind, heading, user, author)."""
    seed = load_seed()
    boards = {b.page: b for b in seed.boards}
    events = []
    previous: dict[str, str] = {}
    for edit in seed.edits:
        if edit.is_block or edit.page not in boards or edit.wiki != "public":
            continue
        board = boards[edit.page]
        text = seed.text_after(edit)
        layout = "entries" if board.kind == "vandalism" else "threads"
        for change in diff_threads(previous.get(edit.page, ""), text, layout=layout):
            events.append((board.key, change.kind, change.heading, edit.user, change.author,
                           edit.phase))
        previous[edit.page] = text
    return events


def test_every_seed_thread_opened_once_by_the_account_that_saved_it(replay):
    expected = load_expected()
    opened = Counter((b, h) for b, k, h, *_ in replay if k == "thread-opened")
    for thread in expected.threads:
        heading = heading_text(thread.heading)
        assert opened[(thread.board, heading)] == 1, heading
        user = next(u for b, k, h, u, *_ in replay
                    if k == "thread-opened" and (b, h) == (thread.board, heading))
        assert canonical_user_name(user) == canonical_user_name(thread.reporter), heading
    for report in expected.vandal_reports:
        assert opened[(report.board, report.target)] >= 1, report.target
    threads = {(t.board, heading_text(t.heading)) for t in expected.threads}
    vandals = {(v.board, v.target) for v in expected.vandal_reports}
    assert set(opened) <= threads | vandals, set(opened) - threads - vandals


def test_every_seed_closure_found_with_its_closer(replay):
    for thread in load_expected().threads:
        heading = heading_text(thread.heading)
        closes = [(a, phase) for b, k, h, u, a, phase in replay
                  if k == "thread-closed" and (b, h) == (thread.board, heading)]
        if thread.closed_by is None:
            assert closes == [], heading
        else:
            assert [(canonical_user_name(a), p) for a, p in closes] == [
                (canonical_user_name(thread.closed_by), thread.closed_in)], heading


def test_archived_and_removed_reports(replay):
    expected = load_expected()
    removed = Counter((b, h, p) for b, k, h, u, a, p in replay if k == "thread-removed")
    for thread in expected.threads:
        if thread.archived_in:
            assert removed[(thread.board, heading_text(thread.heading), thread.archived_in)] == 1
    for report in expected.vandal_reports:
        if report.removed_in:
            assert removed[(report.board, report.target, report.removed_in)] >= 1, report.target


def test_forged_signature_is_not_the_reporter(replay):
    for forged in load_expected().forged_signatures:
        heading = heading_text(forged["heading"])
        opening = next(e for e in replay if e[1] == "thread-opened" and e[2] == heading)
        assert canonical_user_name(opening[3]) == canonical_user_name(forged["saved_by"])
        assert canonical_user_name(opening[4]) == canonical_user_name(forged["signed_as"])
