"""Follow mode without a wiki: event-stream parsing, which events concern which board,
and the reader and loop against an in-process stream server on 127.0.0.1.

Waits are bounded (``_until``); nothing asserts how fast anything is.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

from bot.config import Board, Config, Wiki
from bot.cycle import CycleReport
from bot.follow import (Backoff, BoardIndex, Follower, StreamReader, _split_lines,
                        parse_sse)
from bot.store import Store
from bot.streamserver import StreamServer, _offset_of, change_from_rc

DATA = Path(__file__).resolve().parent.parent / "data" / "follow"
SSE_CASES = yaml.safe_load((DATA / "sse.yaml").read_text(encoding="utf-8"))["cases"]
CHANGES = yaml.safe_load((DATA / "changes.yaml").read_text(encoding="utf-8"))
UA = "noticeboard-helper unit tests"


def _until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _messages(items) -> tuple[list[dict], list[int]]:
    messages, retries = [], []
    for item in items:
        if isinstance(item, int):
            retries.append(item)
        else:
            messages.append({"event": item.event, "data": item.data, "id": item.id})
    return messages, retries


# -- parsing -------------------------------------------------------------------------
@pytest.mark.parametrize("case", SSE_CASES, ids=[f"sse:{c['name']}" for c in SSE_CASES])
def test_event_stream_parsing(case):
    lines = _split_lines([case["stream"].encode()])
    messages, retries = _messages(parse_sse(lines))
    assert messages == case["messages"]
    assert retries == case.get("retries", [])


@pytest.mark.parametrize("case", SSE_CASES, ids=[f"sse:{c['name']}" for c in SSE_CASES])
def test_parsing_does_not_depend_on_where_the_network_splits_the_bytes(case):
    raw = case["stream"].encode()
    whole = _messages(parse_sse(_split_lines([raw])))
    for cut in range(1, len(raw)):
        # Cuts inside a UTF-8 sequence and between CR and LF included.
        assert _messages(parse_sse(_split_lines([raw[:cut], raw[cut:]]))) == whole, cut
    rng = random.Random(len(raw))
    pieces, rest = [], raw
    while rest:
        size = rng.randint(1, 7)
        pieces.append(rest[:size])
        rest = rest[size:]
    assert _messages(parse_sse(_split_lines(pieces))) == whole


# -- backoff -------------------------------------------------------------------------
def test_backoff_doubles_up_to_the_cap_and_resets():
    backoff = Backoff(base=1, cap=10, jitter=0)
    assert [backoff.next() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    backoff.reset()
    assert backoff.next() == 1


def test_backoff_jitter_stays_within_its_share_and_under_the_cap():
    backoff = Backoff(base=2, cap=30, jitter=0.25, rng=random.Random(7))
    for failures in range(12):
        backoff.failures = failures
        plain = min(30, 2 * 2 ** failures)
        delay = backoff.next()
        assert plain * 0.75 <= delay <= min(plain * 1.25, 30)
    spread = {round(Backoff(base=4, jitter=0.25, rng=random.Random(s)).next(), 6)
              for s in range(20)}
    assert len(spread) > 10  # clients after an outage do not reconnect in lockstep


# -- which board ----------------------------------------------------------------------
def _board(name: str, title: str, wiki: str = "pub") -> Board:
    return Board(wiki=wiki, name=name, title=title)


INDEX = BoardIndex((b["wiki"], b["title"], _board(b["name"], b["title"]))
                   for b in CHANGES["boards"])


@pytest.mark.parametrize("case", CHANGES["cases"],
                         ids=[f"changes:{c['name']}" for c in CHANGES["cases"]])
def test_which_boards_a_change_concerns(case):
    assert [b.name for b in INDEX.boards_for(case["change"])] == case["boards"]


def _config(tmp_path: Path, *, other: bool = False, **wiki_extra) -> Config:
    """Wiki "pub" with two boards; with *other*, a second wiki with one board."""
    boards = (_board("incidents", "Wikipedia:Incidents"),
              _board("harassment", "Wikipedia:Harassment"))
    wikis = {"pub": Wiki(name="pub", family="fam", code="pub", boards=boards)}
    if other:
        wikis["other"] = Wiki(name="other", family="fam", code="other",
                              boards=(_board("incidents", "Project:X", "other"),))
    return Config(path=tmp_path / "deployment.yaml", state_url=f"sqlite:///{tmp_path}/s.sqlite",
                  wikis=wikis, raw={"wikis": {"pub": wiki_extra}})


def test_index_from_config_uses_the_mapping_then_the_stream_wiki_key(tmp_path):
    config = _config(tmp_path, other=True, stream_wiki="pubwiki")
    index = BoardIndex.from_config(config, stream_wikis={"other": "otherwiki"})
    assert len(index) == 3
    edit = {"type": "edit", "wiki": "pubwiki", "title": "Wikipedia:Harassment"}
    assert [b.name for b in index.boards_for(edit)] == ["harassment"]
    assert index.boards_for({**edit, "wiki": "otherwiki"}) == ()
    other = {"type": "edit", "wiki": "otherwiki", "title": "Project:X"}
    assert [b.wiki for b in index.boards_for(other)] == ["other"]
    # A wiki with no stream id (or mapped to False) is left to polling; a board
    # selection narrows the index.
    assert len(BoardIndex.from_config(config)) == 2
    assert len(BoardIndex.from_config(config, stream_wikis={"pub": False})) == 0
    only = BoardIndex.from_config(config, stream_wikis={"pub": "pubwiki"},
                                  board_names=["pub:incidents"])
    assert [b.name for b in only.boards_for({**edit, "title": "Wikipedia:Incidents"})] == [
        "incidents"]
    assert only.boards_for(edit) == ()


def test_change_from_rc_has_the_eventstreams_fields_the_follower_reads():
    site = {"wikiid": "localpubwiki", "server": "http://127.0.0.1:8080",
            "servername": "127.0.0.1", "scriptpath": "", "articlepath": "/index.php/$1"}
    edit = change_from_rc({"type": "edit", "ns": 4, "title": "Wikipedia:Harassment",
                           "revid": 12, "old_revid": 11, "rcid": 30, "user": "A",
                           "oldlen": 5, "newlen": 9, "timestamp": "2026-01-02T03:04:05Z"}, site)
    assert (edit["wiki"], edit["server_name"], edit["meta"]["domain"]) == (
        "localpubwiki", "127.0.0.1", "127.0.0.1")
    assert edit["revision"] == {"old": 11, "new": 12} and edit["id"] == 30
    assert edit["meta"]["dt"] == "2026-01-02T03:04:05Z" and edit["namespace"] == 4
    move = change_from_rc({"type": "log", "ns": 4, "title": "Wikipedia:Old", "rcid": 31,
                           "logtype": "move", "logaction": "move",
                           "logparams": {"target_title": "Wikipedia:Harassment"},
                           "timestamp": "2026-01-02T03:04:06Z"}, site)
    assert move["log_params"]["target"] == "Wikipedia:Harassment" and "revision" not in move
    index = BoardIndex([("localpubwiki", "Wikipedia:Harassment", _board("h", "x"))])
    assert index.boards_for(edit) and index.boards_for(move)
    assert _offset_of(json.dumps([{"topic": "t", "partition": 0, "offset": 30}])) == 30
    assert _offset_of("garbage") is None


# -- the reader against a local server -------------------------------------------------
def _change(rcid: int, title: str = "Wikipedia:Incidents", revid: int | None = None,
            wiki: str = "pubwiki") -> dict:
    return {"id": rcid, "type": "edit", "wiki": wiki, "server_name": "127.0.0.1",
            "title": title, "revision": {"new": revid or rcid + 1000}}


@pytest.fixture
def server():
    with StreamServer(heartbeat=0.2) as srv:
        yield srv


def _reader(url: str, **kwargs) -> StreamReader:
    index = BoardIndex([("pubwiki", "Wikipedia:Incidents", _board("incidents", "x"))])
    kwargs.setdefault("backoff", Backoff(base=0.05, cap=0.4, jitter=0))
    return StreamReader(url, index, user_agent=UA, **kwargs)


def _drain(reader: StreamReader) -> list:
    hits = []
    while not reader.hits.empty():
        hits.append(reader.hits.get_nowait())
    return hits


def test_reader_queues_only_events_about_boards(server):
    reader = _reader(server.url)
    reader.start()
    try:
        assert _until(reader.live)
        server.push(_change(1, "Wikipedia:Something else"))
        server.push(_change(2, wiki="otherwiki"))
        server.push(_change(3, revid=77))
        assert _until(lambda: reader.messages >= 3)
        hits = _drain(reader)
        assert [(h.revid, [b.name for b in h.boards]) for h in hits] == [(77, ["incidents"])]
        assert server.connections[0].last_event_id is None
        assert reader.last_event_id is not None and _offset_of(reader.last_event_id) == 3
    finally:
        reader.stop()
    assert not reader.is_alive()


def test_reader_resumes_after_a_dropped_connection_without_losing_or_repeating(server):
    reader = _reader(server.url)
    reader.start()
    try:
        assert _until(reader.live)
        for rcid in (1, 2):
            server.push(_change(rcid))
        assert _until(lambda: reader.messages >= 2)
        server.refuse_next(2)  # the outage lasts a few attempts
        server.drop_clients()
        assert _until(lambda: not reader.live())
        for rcid in (3, 4, 5):  # saved while the client is away
            server.push(_change(rcid))
        assert _until(lambda: reader.connections >= 2 and reader.messages >= 5)
        server.push(_change(6))
        assert _until(lambda: reader.messages >= 6)
        revids = [h.revid for h in _drain(reader)]
        assert revids == [1001, 1002, 1003, 1004, 1005, 1006]
        resumed = [c for c in server.connections[1:]]
        assert [c.status for c in resumed] == [503, 503, 200]
        assert all(_offset_of(c.last_event_id) == 2 for c in resumed)
        # Each failed attempt waited longer than the one before.
        assert reader.delays[:3] == [0.05, 0.1, 0.2]
    finally:
        reader.stop()


def test_backoff_resets_once_the_stream_delivers_again(server):
    reader = _reader(server.url)
    reader.start()
    try:
        assert _until(reader.live)
        server.refuse_next(3)
        server.drop_clients()
        assert _until(lambda: reader.connections >= 2)
        server.push(_change(1))
        assert _until(lambda: reader.messages >= 1)
        server.drop_clients()
        assert _until(lambda: reader.connections >= 3)
        assert reader.delays == [0.05, 0.1, 0.2, 0.4, 0.05]
    finally:
        reader.stop()


def test_a_silent_stream_is_not_trusted_and_is_reconnected(server):
    server.stall = True
    reader = _reader(server.url, silence_timeout=0.5)
    reader.start()
    try:
        assert _until(lambda: reader.connections >= 1)
        # The server never closes a stalled stream: only the silence makes the reader
        # give up on it and connect again.
        assert _until(lambda: reader.connections >= 2, timeout=15)
        assert reader.messages == 0 and reader.delays
        assert {c.status for c in server.connections} == {200}
        server.stall = False
        assert _until(reader.live, timeout=15)
    finally:
        reader.stop()


def test_an_unreachable_stream_is_retried_with_backoff():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reader = _reader(f"http://127.0.0.1:{port}/v2/stream/recentchange")
    reader.start()
    try:
        assert _until(lambda: len(reader.delays) >= 4)
        assert reader.delays[:4] == [0.05, 0.1, 0.2, 0.4]
        assert not reader.live() and reader.connections == 0
    finally:
        reader.stop()


def test_a_page_that_is_not_an_event_stream_is_refused(server):
    reader = _reader(server.url.replace("recentchange", "nothing"))
    reader.start()
    try:
        assert _until(lambda: len(server.connections) >= 2)
        assert {c.status for c in server.connections} == {404}
        assert reader.connections == 0
    finally:
        reader.stop()


# -- the follow loop -------------------------------------------------------------------
class _Cycles:
    """Stands in for run_cycle: records what it was asked to look at."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []
        self.triggers: list = []

    def run(self, config, store, publisher, *, board_names=None, backfill=None):
        self.calls.append(tuple(board_names or ()))
        return CycleReport()

    def on_report(self, report, trigger) -> None:
        self.triggers.append(trigger)

    def reasons(self) -> list[str]:
        return [t.reason for t in self.triggers]


def _follower(tmp_path, url, cycles: _Cycles, *, other: bool = False,
              **kwargs) -> Follower:
    config = _config(tmp_path, other=other)
    index = BoardIndex.from_config(config, stream_wikis={"pub": "pubwiki"})
    kwargs.setdefault("poll_interval", 60)
    kwargs.setdefault("backoff", Backoff(base=0.05, cap=0.2, jitter=0))
    return Follower(config, Store(config.state_url), None, stream_url=url, index=index,
                    user_agent=UA, run=cycles.run, **kwargs)


def _run_in_thread(follower: Follower, cycles: _Cycles, **kwargs):
    stop = threading.Event()
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("stats", follower.run(
        stop=stop, on_report=cycles.on_report, max_seconds=60, **kwargs)), daemon=True)
    thread.start()
    return stop, thread, result


def test_a_board_edit_runs_a_cycle_for_that_board_and_a_burst_runs_one(tmp_path, server):
    cycles = _Cycles()
    follower = _follower(tmp_path, server.url, cycles, debounce=1.0)
    stop, thread, result = _run_in_thread(follower, cycles)
    try:
        assert _until(lambda: cycles.reasons() == ["start"] and follower.stream_live)
        server.push(_change(1, "Wikipedia:Harassment"))
        assert _until(lambda: len(cycles.calls) == 2)
        assert cycles.calls[1] == ("pub:harassment",)
        assert cycles.triggers[1].first_seen is not None
        for rcid in range(2, 7):  # a burst: five saves in quick succession, two boards
            server.push(_change(rcid, "Wikipedia:Incidents" if rcid % 2 else
                                "Wikipedia:Harassment"))
        assert _until(lambda: len(cycles.calls) >= 3)
        time.sleep(1.5)  # anything left of the burst would have run by now
        assert len(cycles.calls) == 3
        assert sorted(cycles.calls[2]) == ["pub:harassment", "pub:incidents"]
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive()
    assert result["stats"].stream_hits == 6 and result["stats"].by_reason == {
        "start": 1, "stream": 2}


def test_an_event_about_a_revision_already_processed_runs_nothing(tmp_path, server):
    from datetime import datetime, timezone

    cycles = _Cycles()
    follower = _follower(tmp_path, server.url, cycles)
    follower.store.record_board("pub", "Wikipedia:Incidents", revid=500,
                                rev_time=datetime.now(timezone.utc))
    stop, thread, result = _run_in_thread(follower, cycles)
    try:
        assert _until(lambda: cycles.reasons() == ["start"] and follower.stream_live)
        server.push(_change(1, revid=500))
        assert _until(lambda: follower.stats.skipped_hits == 1)
        server.push(_change(2, revid=501))
        assert _until(lambda: len(cycles.calls) == 2)
        assert cycles.calls[1] == ("pub:incidents",)
    finally:
        stop.set()
        thread.join(15)


def test_without_a_stream_it_polls_every_interval(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cycles = _Cycles()
    follower = _follower(tmp_path, f"http://127.0.0.1:{port}/v2/stream/recentchange",
                         cycles, poll_interval=0.3)
    stats = follower.run(max_cycles=4, max_seconds=30, on_report=cycles.on_report)
    assert cycles.reasons() == ["start", "poll", "poll", "poll"]
    assert all(call == () for call in cycles.calls)  # a poll looks at every board
    assert stats.cycles == 4 and follower.reader.connections == 0
    assert follower.reader.attempts >= 2 and not follower.reader.is_alive()


def test_polling_only_when_no_stream_url(tmp_path):
    cycles = _Cycles()
    follower = _follower(tmp_path, None, cycles, poll_interval=0.2)
    assert follower.reader is None
    follower.run(max_cycles=3, max_seconds=30, on_report=cycles.on_report)
    assert cycles.reasons() == ["start", "poll", "poll"]


def test_safety_polls_continue_while_streaming(tmp_path, server):
    cycles = _Cycles()
    follower = _follower(tmp_path, server.url, cycles, poll_interval=30,
                         safety_interval=0.4)
    stop, thread, _ = _run_in_thread(follower, cycles)
    try:
        assert _until(lambda: cycles.reasons().count("safety") >= 2)
        assert follower.stream_live and "poll" not in cycles.reasons()
    finally:
        stop.set()
        thread.join(15)


def test_outage_falls_back_to_polling_then_catches_up_on_reconnect(tmp_path, server):
    cycles = _Cycles()
    follower = _follower(tmp_path, server.url, cycles, poll_interval=0.3,
                         safety_interval=600)
    stop, thread, _ = _run_in_thread(follower, cycles)
    try:
        assert _until(lambda: cycles.reasons() == ["start"] and follower.stream_live)
        time.sleep(0.6)
        assert cycles.reasons() == ["start"]  # streaming: no polls
        server.refuse_next(10_000)
        server.drop_clients()
        assert _until(lambda: cycles.reasons().count("poll") >= 2)
        server.refuse_next(0)
        assert _until(lambda: "reconnect" in cycles.reasons(), timeout=15)
        polls_before = cycles.reasons().count("poll")
        time.sleep(0.8)
        assert cycles.reasons().count("poll") == polls_before  # streaming again
        server.push(_change(9))
        assert _until(lambda: cycles.reasons()[-1] == "stream")
    finally:
        stop.set()
        thread.join(15)


def test_a_cycle_held_off_by_another_run_is_skipped_not_fatal(tmp_path):
    cycles = _Cycles()
    follower = _follower(tmp_path, None, cycles, poll_interval=0.2, lock_wait=0)
    with follower.store.job_lock("watch"):
        stats = follower.run(max_cycles=2, max_seconds=30, on_report=cycles.on_report)
    assert stats.failed_cycles == 2 and cycles.calls == []
    stats = follower.run(max_cycles=3, max_seconds=30, on_report=cycles.on_report)
    assert stats.failed_cycles == 2 and len(cycles.calls) == 1


def test_a_failing_wiki_skips_the_cycle_and_keeps_following(tmp_path):
    failures = iter([ConnectionError("wiki down"), None, None])

    class Flaky(_Cycles):
        def run(self, *args, **kwargs):
            error = next(failures)
            if error:
                raise error
            return super().run(*args, **kwargs)

    cycles = Flaky()
    follower = _follower(tmp_path, None, cycles, poll_interval=0.2)
    stats = follower.run(max_cycles=3, max_seconds=30, on_report=cycles.on_report)
    assert stats.failed_cycles == 1 and cycles.reasons() == ["poll", "poll"]


def test_a_bug_in_a_cycle_stays_loud(tmp_path):
    class Broken(_Cycles):
        def run(self, *args, **kwargs):
            raise KeyError("a bug")

    follower = _follower(tmp_path, None, Broken(), poll_interval=0.2)
    with pytest.raises(KeyError):
        follower.run(max_cycles=2, max_seconds=30)


def test_boards_of_a_wiki_not_on_the_stream_keep_being_polled(tmp_path, server):
    cycles = _Cycles()
    follower = _follower(tmp_path, server.url, cycles, other=True, poll_interval=0.3,
                         safety_interval=600)
    assert [b.wiki for b in follower.unstreamed] == ["other"]
    stop, thread, _ = _run_in_thread(follower, cycles)
    try:
        assert _until(lambda: cycles.reasons().count("poll") >= 2)
        assert follower.stream_live
        polls = [c for c, t in zip(cycles.calls, cycles.triggers) if t.reason == "poll"]
        assert set(polls) == {("other:incidents",)}
        server.push(_change(1))
        assert _until(lambda: "stream" in cycles.reasons())
        assert cycles.calls[cycles.reasons().index("stream")] == ("pub:incidents",)
    finally:
        stop.set()
        thread.join(15)


def test_events_of_a_chunked_http11_stream_arrive_one_by_one():
    """Wikimedia's service answers with chunked transfer encoding: an event must be
    handled when its chunk arrives, not when a read buffer fills up."""
    second_may_go = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)

    def chunk(text: str) -> bytes:
        body = text.encode()
        return f"{len(body):x}\r\n".encode() + body + b"\r\n"

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            for rcid in (1, 2):
                if rcid == 2:
                    second_may_go.wait(10)
                conn.sendall(chunk(f"event: message\nid: {rcid}\n"
                                   f"data: {json.dumps(_change(rcid))}\n\n"))
            conn.sendall(b"0\r\n\r\n")

    server_thread = threading.Thread(target=serve, daemon=True)
    server_thread.start()
    port = listener.getsockname()[1]
    reader = _reader(f"http://127.0.0.1:{port}/v2/stream/recentchange")
    reader.start()
    try:
        assert _until(lambda: not reader.hits.empty())
        assert [h.revid for h in _drain(reader)] == [1001]  # the second is not sent yet
        second_may_go.set()
        assert _until(lambda: not reader.hits.empty())
        assert [h.revid for h in _drain(reader)] == [1002]
        assert reader.last_event_id == "2"
    finally:
        second_may_go.set()
        reader.stop()
        listener.close()
        server_thread.join(10)
