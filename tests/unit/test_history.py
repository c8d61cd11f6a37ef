"""Attributing archived reports to the revision that opened them, and outcomes from
the block log (pure: histories and logs are built here)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.backfill import read_page
from bot.blocks import Block, outcome_from_blocks
from bot.config import Board
from bot.history import BoardHistory, BoardRevision, HistoryEntry, new_section_pattern, report_id

T0 = datetime(2026, 3, 2, 9, 14, tzinfo=timezone.utc)
EN = new_section_pattern("/* $1 */ new section")
BOARD = Board(wiki="w", name="ani", title="Project:ANI")


def rev(revid: int, minutes: float, user: str | None, comment: str = "") -> BoardRevision:
    return BoardRevision(revid, T0 + timedelta(minutes=minutes), user, comment)


def sig(user: str, when: datetime) -> str:
    return f"[[User:{user}|{user}]] ([[User talk:{user}|talk]]) {when:%H:%M, %-d %B %Y} (UTC)"


def test_new_section_pattern_reads_the_wikis_message():
    assert EN.match("/* Hounding by X */ new section").group(1) == "Hounding by X"
    de = new_section_pattern("/* $1 */ neuer Abschnitt")
    assert de.match("/* Beleidigung */ neuer Abschnitt").group(1) == "Beleidigung"
    assert not EN.match("/* Hounding by X */ Reply")


def test_the_new_section_revision_names_the_reporter_even_when_the_signature_lies():
    history = BoardHistory([rev(10, 0.2, "Mallory", "/* Help */ new section"),
                            rev(11, 0.5, "Alice", "/* Help */ Reply")], EN)
    found = history.opening(("Help",), "Alice", T0)
    assert found.revid == 10 and found.user == "Mallory"


def test_a_repeated_heading_takes_the_new_section_nearest_the_signature():
    history = BoardHistory([rev(10, 0, "Ann", "/* Help */ new section"),
                            rev(20, 60 * 24, "Bob", "/* Help */ new section")], EN)
    assert history.opening(("Help",), "Bob", T0 + timedelta(days=1)).revid == 20
    assert history.opening(("Help",), "Ann", T0).revid == 10


def test_without_a_new_section_summary_the_signature_minute_decides():
    history = BoardHistory([rev(10, 0.3, "Carol", "reply"), rev(11, 0.6, "Dave", "x")], EN)
    assert history.opening(("Other",), "Dave", T0).revid == 11   # the signer's own edit
    assert history.signed_by("Erin", T0) is None                  # two others: nobody
    alone = BoardHistory([rev(12, 0.5, "Frank", "")], EN)
    assert alone.signed_by("Erin", T0).user == "Frank"            # the only saver then
    assert alone.signed_by("Frank", T0 + timedelta(minutes=5)) is None


def test_headings_compare_without_link_and_bold_markup():
    history = BoardHistory([rev(10, 0, "Ann", "/* Hounding by [[User:X|X]] */ new section")], EN)
    assert history.opening(("Hounding by X",), None, None).revid == 10


def _page(*threads: str) -> str:
    return "Header text.\n\n" + "\n\n".join(threads) + "\n"


def test_read_page_attributes_closes_and_trusts_only_verified_admin_closures():
    opened, closed = T0, T0 + timedelta(hours=3)
    thread_a = (f"== Hounding by Bob ==\n{{{{archive top|result=Unfounded; no diffs show "
                f"hounding. {sig('Admin', closed)}}}}}\n[[User:Bob]] follows me. "
                f"{sig('Alice', opened)}\n{{{{archive bottom}}}}")
    forged_at = closed + timedelta(hours=1)
    thread_b = (f"== Complaint about Carl ==\n{{{{archive top|result=Unfounded. "
                f"{sig('Admin', forged_at)}}}}}\n[[User:Carl]] reverted me. "
                f"{sig('Alice', opened + timedelta(minutes=30))}\n{{{{archive bottom}}}}")
    history = BoardHistory([
        rev(100, 0.1, "Alice", "/* Hounding by Bob */ new section"),
        rev(101, 30.2, "Alice", "/* Complaint about Carl */ new section"),
        rev(102, 180.4, "Admin", "/* Hounding by Bob */ closing"),
        rev(103, 240.4, "Alice", "/* Complaint about Carl */ closed"),  # forged closure
    ], EN)
    entries = read_page(BOARD, "Project:ANI/Archive 1", _page(thread_a, thread_b), history,
                        trusted=lambda wiki, user: user == "Admin", blocks=[])
    a, b = entries
    assert (a.reporter, a.revid, a.targets) == ("Alice", 100, ("Bob",))
    assert (a.outcome, a.closer, a.closer_trusted) == ("unfounded", "Admin", True)
    assert a.closed == closed
    assert (b.reporter, b.outcome, b.closer_trusted) == ("Alice", "unfounded", False)
    assert b.record().closer_trusted is False
    assert a.source == "Project:ANI/Archive 1"


def test_read_page_keeps_unattributed_reports_out_of_the_history_and_honours_since():
    thread = f"== Old ==\n[[User:Zed]] again. {sig('Yan', T0)}"
    entries = read_page(BOARD, "P", _page(thread), BoardHistory([], EN),
                        trusted=lambda *_: True, blocks=[])
    assert entries[0].reporter is None and entries[0].record() is None
    assert read_page(BOARD, "P", _page(thread), BoardHistory([], EN), trusted=lambda *_: True,
                     blocks=[], since=T0 + timedelta(days=1)) == []


def _block(logid: int, user: str, hours: float) -> Block:
    return Block(logid, user, "Admin", T0 + timedelta(hours=hours))


def test_block_log_gives_boomerang_before_action_and_only_inside_the_window():
    kw = dict(reporter="Alice", targets=("Bob",), opened=T0, closed=T0 + timedelta(hours=2))
    assert outcome_from_blocks([_block(1, "Bob", 1)], **kw)[:2] == ("actioned", "block-log:1:target")
    both = [_block(1, "Bob", 1), _block(2, "alice", 1.5)]
    assert outcome_from_blocks(both, **kw)[:2] == ("boomerang", "block-log:2:reporter")
    assert outcome_from_blocks([_block(3, "Alice", -1)], **kw) is None        # before the report
    assert outcome_from_blocks([_block(4, "Alice", 2 + 25)], **kw) is None    # long after closing
    assert outcome_from_blocks([_block(5, "Someone", 1)], **kw) is None
    unblock = Block(6, "Bob", "Admin", T0 + timedelta(hours=1), action="unblock")
    assert outcome_from_blocks([unblock], **kw) is None


def test_an_archived_thread_without_closure_takes_its_outcome_from_the_block_log():
    thread = f"== Vandal ==\n[[User:Bob]] keeps vandalising. {sig('Alice', T0)}"
    history = BoardHistory([rev(5, 0.1, "Alice", "/* Vandal */ new section")], EN)
    (entry,) = read_page(BOARD, "P", _page(thread), history, trusted=lambda *_: False,
                         blocks=[_block(9, "Bob", 2)])
    assert (entry.outcome, entry.evidence, entry.closer_trusted) == (
        "actioned", "block-log:9:target", True)


def test_report_ids_are_short_stable_and_distinct():
    a = HistoryEntry("w", "B", "k1", "h", "A", 1, T0, "P").key
    b = HistoryEntry("w", "B", "k2", "h", "A", 1, T0, "P").key
    assert report_id(a) == report_id(a) and report_id(a) != report_id(b)
    assert len(report_id(a)) == 10


@pytest.mark.parametrize("odd", ["", "a summary without the heading"])
def test_a_message_without_the_heading_placeholder_falls_back_to_the_default(odd):
    assert new_section_pattern(odd).match("/* X */ new section").group(1) == "X"
