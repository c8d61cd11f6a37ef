"""Follow mode against the real local wiki and a real stream server process.

A board of its own (so the seeded boards stay as other tests expect them), a stream
server replaying the wiki's recent changes, the follower in a thread with a fresh
SQLite store.  A user's comment reaches the store through the stream; with the stream
server killed, polling finds the next one; with it back on the same port, the
follower resumes streaming.
"""

from __future__ import annotations

import dataclasses
import select
import subprocess
import sys
import threading
import time

import pytest

from bot.config import Board, load_config
from bot.follow import Backoff, Follower
from bot.seeding import Seeder
from bot.store import Store
from bot.usernames import canonical_user_name
from tests.harness import REPO

pytestmark = pytest.mark.live
BOARD_TITLE = "Project:Follow mode test board"
WAIT = 45.0  # bound on every wait below; none is expected to come close


def _until(condition, timeout: float = WAIT, alive=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive.is_alive():
            break  # the follower died: its traceback says why
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _start_stream(wikis, port: int = 0) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.streamserver", "--api", wikis.api_url("public"),
         "--port", str(port), "--interval", "0.3", "--heartbeat", "2",
         "--max-seconds", "300"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL)
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline() if ready else ""
    if not line.startswith("streaming "):
        proc.kill()
        pytest.fail(f"stream server did not start: {line!r} {proc.stderr.read()[-500:]}")
    return proc, line.split()[1]


def _report(session, n: int) -> int:
    """A user adds a signed comment to the board's thread; returns the revision id.

    A comment rather than a new thread: what the stream must deliver is the same, and
    the cycle does not depend on triage (opened threads are triaged).
    """
    text = (f"\n:Follow-mode check number {n}: the sandbox edits continue. "
            f"[[User:Careful Reporter|Careful Reporter]] ([[User talk:Careful "
            f"Reporter|talk]]) 10:{n:02d}, 3 December 2026 (UTC)\n")
    result = session.call("POST", action="edit", title=BOARD_TITLE, appendtext=text,
                          summary=f"comment {n}", token=session.token)["edit"]
    assert result["result"] == "Success"
    return int(result["newrevid"])


@pytest.fixture
def follow_config(local_wikis):
    seeder = Seeder(local_wikis)
    admin = seeder.session("public", "Admin", anonymous=False)
    admin.call("POST", action="edit", title=BOARD_TITLE, token=admin.token,
               text=("== Follow checks ==\nA thread for the follow-mode test. "
                     "[[User:Admin|Admin]] 09:00, 3 December 2026 (UTC)\n"),
               summary="test board")
    config = load_config()
    wiki = config.wikis["localpub"]
    board = Board(wiki="localpub", name="follow-test", title=BOARD_TITLE)
    return dataclasses.replace(config, wikis={"localpub": dataclasses.replace(
        wiki, boards=(board,), backlog_page=None)})


def test_follow_mode_streams_then_polls_when_the_stream_dies(local_wikis, follow_config,
                                                             tmp_path):
    reporter = Seeder(local_wikis).session("public", "Careful Reporter", anonymous=False)
    store = Store(f"sqlite:///{tmp_path}/follow.sqlite")
    stream, url = _start_stream(local_wikis)
    follower = Follower(follow_config, store, None, stream_url=url, poll_interval=2.0,
                        safety_interval=600, silence_timeout=10,
                        backoff=Backoff(base=0.5, cap=2.0))
    cycles: list[tuple[str, set[int]]] = []
    stop = threading.Event()
    runner = threading.Thread(target=follower.run, kwargs=dict(
        stop=stop, max_seconds=240,
        on_report=lambda report, trigger: cycles.append(
            (trigger.reason, {e.revid for e in report.events}))), daemon=True)
    runner.start()

    def wait(condition) -> bool:
        return _until(condition, alive=runner)

    def found_by(revid: int) -> str | None:
        return next((reason for reason, revids in list(cycles) if revid in revids), None)

    try:
        assert wait(lambda: cycles and follower.stream_live), "follower never streamed"
        assert cycles[0][0] == "start"

        first = _report(reporter, 1)
        assert wait(lambda: found_by(first)), "the report never reached the store"
        assert found_by(first) == "stream"

        stream.kill()  # mid-way, without a goodbye
        stream.wait(30)
        assert wait(lambda: not follower.stream_live)
        second = _report(reporter, 2)
        assert wait(lambda: found_by(second)), "polling did not find the report"
        assert found_by(second) == "poll"
        assert follower.reader.attempts > follower.reader.connections

        # The stream server comes back on the same port: the follower resumes, sends
        # Last-Event-ID (the missed edit is replayed and skipped as already processed)
        # and the next report arrives through the stream again.
        port = int(url.split(":")[2].split("/")[0])
        stream, _ = _start_stream(local_wikis, port)
        assert wait(lambda: follower.stream_live and any(
            reason == "reconnect" for reason, _ in cycles))
        third = _report(reporter, 3)
        assert wait(lambda: found_by(third))
        assert found_by(third) == "stream"
    finally:
        stop.set()
        runner.join(30)
        stream.kill()
        stream.wait(30)
    assert not runner.is_alive()

    comments = [e for e in store.events() if e.kind == "comment-added"]
    assert sorted(e.revid for e in comments) == [first, second, third]
    assert {canonical_user_name(e.user) for e in comments} == {"Careful Reporter"}
    assert len({e.key for e in store.events()}) == len(store.events())
    assert follower.stats.skipped_hits >= 1  # the replayed second edit
