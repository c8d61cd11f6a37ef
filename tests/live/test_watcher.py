"""The watcher against the real local wiki: every event found once, attributed right.

Runs in order on the session's seeded wikis: backfill of the initial history, a crash
mid-cycle, a killed process, then the later phase (archive moves, several edits
between cycles, a revision deleted before the bot read it), then an idle cycle.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.cycle import run_cycle
from bot.seed import load_expected
from bot.seeding import Seeder, apply_seed
from bot.store import Store
from bot.threads import heading_text
from bot.usernames import canonical_user_name
from bot.watcher import BoardFetcher, watch_wiki
from tests.harness import REPO

pytestmark = pytest.mark.live
BACKFILL = timedelta(days=30)


@pytest.fixture(scope="module")
def config():
    return load_config()


def _store(tmp_path: Path, name: str = "state") -> Store:
    return Store(f"sqlite:///{tmp_path}/{name}.sqlite")


def _board_key(config, title: str) -> str:
    return next(b.name for b in config.boards if b.title == title)


def _summary(config, store: Store) -> Counter:
    return Counter((_board_key(config, e.board), e.kind, e.heading,
                    canonical_user_name(e.user) if e.user else None)
                   for e in store.events())


@pytest.fixture(scope="module")
def backfilled(seeded_wikis, config, tmp_path_factory):
    """One uninterrupted backfill of the whole initial history: the reference run."""
    store = _store(tmp_path_factory.mktemp("reference"))
    report = run_cycle(config, store, None, backfill=BACKFILL)
    assert report.events
    return store


def test_backfill_finds_every_initial_report_once_with_its_reporter(config, backfilled):
    expected = load_expected()
    events = list(backfilled.events())
    opened = Counter((_board_key(config, e.board), e.heading) for e in events
                     if e.kind == "thread-opened")
    for thread in expected.threads:
        if thread.opened_in != "initial":
            continue
        heading = heading_text(thread.heading)
        assert opened[(thread.board, heading)] == 1, heading
        event = next(e for e in events if e.kind == "thread-opened" and e.heading == heading)
        # The account that saved the revision, not the (possibly forged) signature.
        assert canonical_user_name(event.user) == canonical_user_name(thread.reporter)
        if thread.closed_in == "initial":
            closes = [e for e in events if e.kind == "thread-closed" and e.heading == heading]
            assert [canonical_user_name(e.author) for e in closes] == [
                canonical_user_name(thread.closed_by)], heading
    for report in expected.vandal_reports:
        if report.opened_in == "initial":
            event = next(e for e in events if e.kind == "thread-opened"
                         and canonical_user_name(e.heading) == canonical_user_name(report.target))
            assert canonical_user_name(event.user) == canonical_user_name(report.reporter)
    assert len({e.key for e in events}) == len(events)


def test_forged_signature_is_attributed_to_whoever_saved_it(backfilled):
    for forged in load_expected().forged_signatures:
        event = next(e for e in backfilled.events() if e.kind == "thread-opened"
                     and e.heading == heading_text(forged["heading"]))
        assert canonical_user_name(event.user) == canonical_user_name(forged["saved_by"])
        assert canonical_user_name(event.author) == canonical_user_name(forged["signed_as"])


class _CrashingFetcher(BoardFetcher):
    """Dies on its third revisions request, as a lost connection or a kill would."""

    def revisions(self, *args, **kwargs):
        self.calls = getattr(self, "calls", 0) + 1
        if self.calls == 3:
            raise ConnectionError("simulated crash mid-cycle")
        yield from super().revisions(*args, **kwargs)


def test_crash_mid_cycle_then_rerun_gives_each_event_once(config, backfilled, tmp_path):
    import pywikibot

    wiki = config.wikis["localpub"]
    store = _store(tmp_path)
    with pytest.raises(ConnectionError):
        watch_wiki(_CrashingFetcher(pywikibot.Site("localpub", "localpub")), wiki, store,
                   backfill=BACKFILL)
    partial = len(list(store.events()))
    run_cycle(config, store, None, backfill=BACKFILL)
    assert 0 < partial < len(list(store.events()))
    assert sorted(e.key for e in store.events()) == sorted(e.key for e in backfilled.events())


def test_killed_process_then_rerun_gives_each_event_once(seeded_wikis, backfilled, tmp_path):
    from tests.harness import run_pwb

    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/killed.sqlite"}
    full_env = {**__import__("os").environ, **seeded_wikis.environment(), **env}
    proc = subprocess.Popen([str(Path(__import__("sys").executable).parent / "pwb"),
                             "watch_noticeboards", "-backfill:30", "-json"], cwd=REPO,
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    time.sleep(2.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    result = run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:30", "-json", env=env)
    assert result.returncode == 0, result.stderr
    store = Store(env["NBH_STATE_URL"])
    assert sorted(e.key for e in store.events()) == sorted(e.key for e in backfilled.events())
    printed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert all(p["kind"] for p in printed)


def _position_at_end_of_initial_phase(wikis, config, store: Store) -> None:
    from datetime import datetime, timezone

    seeder = Seeder(wikis)
    for board in config.boards:
        revids = [seeder.done[e.key] for e in seeder.seed.edits_in("initial")
                  if e.page == board.title and e.key in seeder.done and seeder.done[e.key]]
        store.record_board(board.wiki, board.title, revid=max(revids),
                           rev_time=datetime.now(timezone.utc))


def _revision_delete(wikis, title: str, revid: int) -> None:
    seeder = Seeder(wikis)
    admin = seeder.session("public", "Admin", anonymous=False)
    admin.call("POST", action="revisiondelete", type="revision", target=title,
               ids=str(revid), hide="content|comment", reason="test", token=admin.token)


def test_later_phase_between_cycles(seeded_wikis, config, tmp_path):
    import pywikibot

    store = _store(tmp_path)
    first = run_cycle(config, store, None)
    assert first.events == []  # first sight: take position, report nothing
    # Stand where the initial phase ended, whether or not another test module has
    # already saved the later phase (the wikis are shared by the whole session).
    _position_at_end_of_initial_phase(seeded_wikis, config, store)
    apply_seed(seeded_wikis, phase="later")
    incidents = config.board("incidents")
    site = pywikibot.Site("localpub", "localpub")
    state = store.board_state("localpub", incidents.title)
    new_revs = [r for r in BoardFetcher(site).revisions(incidents.title, start_id=state.last_revid)
                if r.revid > state.last_revid]
    # Hide a revision in the middle that added a comment, before the bot reads it.
    hidden = new_revs[len(new_revs) // 2]
    _revision_delete(seeded_wikis, incidents.title, hidden.revid)

    second = run_cycle(config, store, None)
    events = second.events
    assert all(e.revid != hidden.revid for e in events)
    assert any(e.uncertain for e in events)
    expected = load_expected()
    for thread in expected.threads:
        heading = heading_text(thread.heading)
        if thread.opened_in == "later":
            found = [e for e in events if e.kind == "thread-opened" and e.heading == heading]
            assert len(found) == 1, heading
            if not found[0].uncertain:
                assert canonical_user_name(found[0].user) == canonical_user_name(thread.reporter)
        if thread.archived_in == "later":
            moved = [e for e in events if e.kind == "thread-archived" and e.heading == heading]
            assert len(moved) == 1 and "Archive" in moved[0].archive, heading
        if thread.closed_in == "later":
            assert sum(e.kind == "thread-closed" and e.heading == heading for e in events) == 1
    # Nothing is found twice, and nothing is left to find.
    assert run_cycle(config, store, None).events == []
    assert len({e.key for e in store.events()}) == len(list(store.events()))


def test_idle_cycle_over_fifty_boards_costs_one_request(seeded_wikis, config, tmp_path):
    seeder = Seeder(seeded_wikis)
    admin = seeder.session("public", "Admin", anonymous=False)
    wiki = config.wikis["localpub"]
    extra = []
    for n in range(50 - len(wiki.boards)):
        title = f"Project:Test board {n}"
        admin.call("POST", action="edit", title=title, text=f"Board {n}\n", token=admin.token,
                   summary="test board")
        extra.append(dataclasses.replace(wiki.boards[0], name=f"test{n}", title=title))
    big = dataclasses.replace(wiki, boards=wiki.boards + tuple(extra))
    many = dataclasses.replace(config, wikis={"localpub": big})
    store = _store(tmp_path)
    run_cycle(many, store, None)
    idle = run_cycle(many, store, None)
    assert idle.events == [] and idle.requests == 1


def test_watch_script_publishes_a_neutral_escaped_backlog(seeded_wikis, config, tmp_path):
    from tests.harness import run_pwb

    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/script.sqlite"}
    result = run_pwb(seeded_wikis, "watch_noticeboards", "-once", env=env)
    assert result.returncode == 0, result.stderr
    wiki = config.wikis["localpub"]
    site = __import__("pywikibot").Site("localpub", "localpub")
    page = BoardFetcher(site).texts([wiki.backlog_page])[wiki.backlog_page]
    assert "Threat left on my talk page" not in page  # names a sensitive matter: withheld
    for secret in load_expected().never_public():
        assert secret not in page
    assert "heading withheld" in page and "{|" in page  # rows, the sensitive ones anonymous
    assert "[[Category:" not in page and "~~~" not in page
    # Run again: nothing changed, so no new edit.
    again = run_pwb(seeded_wikis, "watch_noticeboards", "-once", env=env)
    assert "0 edit(s)" in again.stderr + again.stdout
