"""The state store, run on SQLite and on a real MariaDB server alike."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from bot.errors import ConfigError
from bot.events import Event
from bot.store import SCHEMA_VERSION, Store

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def event(revid: int, kind: str = "thread-opened", **extra) -> Event:
    fields = dict(wiki="w", board="B", kind=kind, revid=revid, rev_time=T0, user="Alice",
                  thread_key=f"k{revid}", heading="Heading ünïcode")
    fields.update(extra)
    return Event(**fields)


def test_new_store_is_migrated_to_current_version(store_url):
    store = Store(store_url)
    assert store.schema_version() == SCHEMA_VERSION
    Store(store_url)  # a second open migrates nothing and does not fail
    assert store.schema_version() == SCHEMA_VERSION


def test_board_position_and_events_round_trip(store_url):
    store = Store(store_url)
    assert store.board_state("w", "B") is None
    new = store.record_board("w", "B", revid=7, rev_time=T0,
                             found=[event(5), event(6, "comment-added", author="Bob",
                                                     comment_time=T0)])
    assert len(new) == 2
    state = store.board_state("w", "B")
    assert (state.last_revid, state.last_time) == (7, T0)
    stored = store.events(board="B")
    assert stored == [event(5), event(6, "comment-added", author="Bob", comment_time=T0)]
    assert stored[0].rev_time.tzinfo is not None


def test_events_of_some_threads_only(store_url):
    # The watcher asks for the openings of the threads just closed, not the whole board.
    store = Store(store_url)
    long_key = "x" * 300  # stored cut to the column's 255 characters
    store.record_board("w", "B", revid=9, rev_time=T0,
                       found=[event(5), event(6), event(7, thread_key=long_key)])
    assert [e.revid for e in store.events(thread_keys=["k6"])] == [6]
    assert [e.revid for e in store.events(thread_keys=["k5", long_key, "nope"])] == [5, 7]
    assert store.events(thread_keys=[]) == []


def test_recording_the_same_events_again_stores_nothing_new(store_url):
    store = Store(store_url)
    store.record_board("w", "B", revid=6, rev_time=T0, found=[event(5), event(6)])
    again = store.record_board("w", "B", revid=8, rev_time=T0,
                               found=[event(5), event(6), event(8)])
    assert again == [event(8)]
    assert len(store.events()) == 3
    assert store.board_state("w", "B").last_revid == 8


def test_a_failed_transaction_leaves_position_and_events_unchanged(store_url):
    store = Store(store_url)
    store.record_board("w", "B", revid=5, rev_time=T0, found=[event(5)])

    def broken():
        yield event(6)
        raise RuntimeError("crash mid-cycle")

    with pytest.raises(RuntimeError):
        store.record_board("w", "B", revid=9, rev_time=T0, found=broken())
    assert store.board_state("w", "B").last_revid == 5
    assert [e.revid for e in store.events()] == [5]


def test_store_newer_than_code_is_refused(store_url):
    store = Store(store_url)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE nbh_meta SET value = '999' WHERE name = 'schema_version'"))
    with pytest.raises(ConfigError, match="newer than this code"):
        Store(store_url)


def test_unusable_url_is_a_clear_error():
    with pytest.raises(ConfigError, match="cannot use the state store"):
        Store("nosuchdb://x")


LOCK_HOLDER = """
import sys, time
from bot.store import Store
store = Store(sys.argv[1])
with store.job_lock("watch"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_job_lock_excludes_a_second_process(store_url, tmp_path):
    import subprocess
    import sys

    from bot.store import AlreadyRunning

    store = Store(store_url)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, store_url, "3"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(AlreadyRunning):
        with store.job_lock("watch"):
            pass
    with store.job_lock("other"):  # other jobs are not blocked
        pass
    with store.job_lock("watch", wait=20):  # waits until the holder lets go
        with pytest.raises(AlreadyRunning):  # and now holds it against others
            with Store(store_url).job_lock("watch"):
                pass
    assert holder.wait(timeout=20) == 0


def test_version_one_store_is_upgraded_in_place(tmp_path):
    import sqlalchemy as sa

    from bot.store import SCHEMA_VERSION, Store

    url = f"sqlite:///{tmp_path}/old.sqlite"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE nbh_meta (name VARCHAR(64) PRIMARY KEY, value VARCHAR(255) NOT NULL)"))
        conn.execute(sa.text("INSERT INTO nbh_meta VALUES ('schema_version', '1')"))
        conn.execute(sa.text(
            "CREATE TABLE nbh_events (id INTEGER PRIMARY KEY, event_key VARCHAR(40) NOT NULL UNIQUE, "
            "wiki VARCHAR(64) NOT NULL, board VARCHAR(255) NOT NULL, kind VARCHAR(32) NOT NULL, "
            "revid BIGINT NOT NULL, rev_time DATETIME NOT NULL, rev_user VARCHAR(255), "
            "thread_key VARCHAR(255) NOT NULL, heading VARCHAR(255) NOT NULL, author VARCHAR(255), "
            "comment_time DATETIME, archive VARCHAR(255), uncertain BOOLEAN NOT NULL, "
            "created DATETIME NOT NULL)"))
        conn.execute(sa.text(
            "INSERT INTO nbh_events (event_key, wiki, board, kind, revid, rev_time, thread_key, "
            "heading, uncertain, created) VALUES ('k', 'w', 'b', 'thread-opened', 1, "
            "'2024-01-01 00:00:00', 't', 'h', 0, '2024-01-01 00:00:00')"))
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    old = store.events()
    assert len(old) == 1 and old[0].categories == () and old[0].outcome is None
    assert store.claim("mail-1", "emergency") and not store.sent_items("emergency")
    store.mark_sent("mail-1")
    assert not store.claim("mail-1", "emergency") and store.sent_items("emergency") == {"mail-1"}


def test_events_stay_unreported_until_a_run_prints_them(store_url):
    store = Store(store_url)
    store.record_board("w", "B", revid=7, rev_time=T0, found=[event(5), event(6)])
    assert [e.revid for e in store.unreported()] == [5, 6]
    store.mark_reported(store.unreported()[:1])
    assert [e.revid for e in store.unreported()] == [6]
    store.mark_reported(store.events())
    assert store.unreported() == [] and store.stale("private") and store.stale("backlog:w")
    store.mark_fresh("private")
    assert not store.stale("private") and store.stale("backlog:w")


def test_purge_forgets_old_events_and_scrubs_hidden_revisions(store_url):
    from datetime import timedelta

    store = Store(store_url)
    old = event(5, rev_time=T0 - timedelta(days=400))
    hidden = event(6, categories=(("doxxing", 0.9),), targets=("X",), fingerprint="fp")
    store.record_board("w", "B", revid=9, rev_time=T0, found=[old, hidden, event(7)])
    store.mark_fresh("private")
    deleted, scrubbed = store.purge(older_than=T0 - timedelta(days=365),
                                    hidden_revids=[("w", 6)])
    remaining = {e.revid: e for e in store.events()}
    assert deleted == 1 and sorted(remaining) == [6, 7]
    assert scrubbed == 1 and remaining[6].heading == "" and remaining[6].categories == ()
    assert remaining[6].targets == () and remaining[6].fingerprint is None
    assert remaining[7].heading == "Heading ünïcode"
    assert store.stale("private")
    assert store.purge(hidden_revids=[("w", 6)]) == (0, 0)  # nothing left to scrub


# -- reporter history from archives, and outcomes set by functionaries -----------------

def _entry(key: str, **extra):
    from bot.history import HistoryEntry

    fields = dict(wiki="w", board="B", thread_key=key, heading="Héading", reporter="Alice",
                  revid=11, opened=T0, source="B/Archive 1", targets=("Bob", "Çarol"),
                  fingerprint="fp")
    fields.update(extra)
    return HistoryEntry(**fields)


def test_history_round_trips_with_the_page_position_in_one_transaction(store_url):
    store = Store(store_url)
    assert store.backfill_position("w", "B/Archive 1") is None
    closed = _entry("k1", closed=T0, closer="Admin", closer_trusted=True, outcome="unfounded",
                    evidence="closure:archive top")
    assert store.record_history("w", "B/Archive 1", 42, [closed, _entry("k2", reporter=None)]) == 2
    assert store.backfill_position("w", "B/Archive 1") == 42
    assert store.history() == [closed, _entry("k2", reporter=None)]
    assert store.stale("private")


def test_a_report_seen_again_keeps_what_the_earlier_reading_knew(store_url):
    store = Store(store_url)
    store.record_history("w", "B", 1, [_entry("k1")])               # on the board, open
    closed = _entry("k1", reporter=None, revid=0, closed=T0, outcome="actioned",
                    closer="Admin", closer_trusted=True)
    assert store.record_history("w", "B/Archive 1", 2, [closed]) == 0  # then archived
    (entry,) = store.history()
    assert (entry.reporter, entry.revid, entry.outcome, entry.source) == (
        "Alice", 11, "actioned", "B/Archive 1")
    store.record_history("w", "B", 3, [_entry("k1")])               # read open again later
    assert store.history()[0].outcome == "actioned"


def test_outcomes_set_by_functionaries_replace_and_mark_pages_stale(store_url):
    store = Store(store_url)
    store.mark_fresh("private")
    assert store.set_outcome("0123456789", "unfounded", source="wiki") is True
    assert store.set_outcome("0123456789", "unfounded", source="script") is False
    assert store.stale("private")
    store.set_outcome("0123456789", "actioned", source="script", set_by="Ada")
    assert store.outcomes_set() == {"0123456789": ("actioned", "script")}


def test_purge_forgets_old_history_and_scrubs_hidden_revisions(store_url):
    from datetime import timedelta

    store = Store(store_url)
    store.record_history("w", "B", 1, [_entry("old", opened=T0 - timedelta(days=400), revid=3),
                                       _entry("new", revid=4)])
    deleted, scrubbed = store.purge(older_than=T0 - timedelta(days=365),
                                    hidden_revids=[("w", 4)])
    assert (deleted, scrubbed) == (1, 1)
    (left,) = store.history()
    assert (left.thread_key, left.heading, left.targets, left.fingerprint) == ("new", "", (), None)


def test_two_runs_starting_on_a_new_store_at_once_migrate_it_once(store_url):
    from concurrent.futures import ThreadPoolExecutor

    # Separate engines, as two processes would have; MariaDB's DDL is not transactional.
    # SQLite's race (the switch of a new file to WAL) is lost about once in twelve
    # starts, so it gets many new files.
    urls = [store_url]
    if store_url.startswith("sqlite:///"):
        urls += [store_url.replace(".sqlite", f"-{n}.sqlite") for n in range(40)]
    for url in urls:
        with ThreadPoolExecutor(max_workers=4) as pool:
            stores = list(pool.map(lambda _: Store(url), range(4)))
        assert all(s.schema_version() == SCHEMA_VERSION for s in stores)
