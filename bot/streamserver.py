"""A local stand-in for Wikimedia EventStreams, for the tests and the demo.

It polls a local wiki's ``list=recentchanges`` API and serves the changes as
server-sent events in the format of ``/v2/stream/recentchange`` (``event: message``,
``id: [{"topic": ..., "partition": 0, "offset": N}]``, ``data: {json}``), on
127.0.0.1 only.  The offset is the wiki's ``rcid``, so a client that reconnects with
``Last-Event-ID`` gets every change after that one replayed from the buffer, even
from a restarted server (it reloads the last ``history`` changes on start).  Without
``Last-Event-ID`` a client starts at the newest change, as on the real service.

Tests can also push changes themselves (``push``) with no wiki behind, drop every
client (``drop_clients``), refuse the next connections with HTTP 503
(``refuse_next``) or go silent (``stall``).

Command line::

    python -m bot.streamserver --api http://127.0.0.1:PORT/api.php --port N

prints ``streaming <url>`` once it listens, and runs until interrupted.  Only
loopback wikis are accepted: the real wikis have the real EventStreams.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

import requests

__all__ = ["StreamServer", "ConnectionRecord", "change_from_rc", "STREAM_PATH"]

log = logging.getLogger("nbh.streamserver")

STREAM_PATH = "/v2/stream/recentchange"
TOPIC = "local.mediawiki.recentchange"
USER_AGENT = "noticeboard-helper-streamserver/0.1 (test harness; loopback only)"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_RC_PROPS = "title|ids|timestamp|user|comment|sizes|loginfo|flags"


@dataclass(frozen=True)
class ConnectionRecord:
    """One client request, as the server saw it."""

    at: float              # time.monotonic()
    path: str
    last_event_id: str | None
    status: int


def _event_id(offset: int) -> str:
    return json.dumps([{"topic": TOPIC, "partition": 0, "offset": offset}],
                      separators=(",", ":"))


def _offset_of(last_event_id: str | None) -> int | None:
    """The offset in a Last-Event-ID as this server (and EventStreams) writes it."""
    if not last_event_id:
        return None
    try:
        entries = json.loads(last_event_id)
        offsets = [e["offset"] for e in entries if isinstance(e.get("offset"), int)]
        return max(offsets) if offsets else None
    except (ValueError, TypeError, AttributeError, KeyError):
        return None


def change_from_rc(rc: dict, site: dict) -> dict:
    """A ``recentchange`` event, as EventStreams would send it, from an API row.

    *site* is the wiki's ``siteinfo`` ``general`` block.
    """
    when = datetime.strptime(rc["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc)
    server = site.get("server", "")
    title_url = server + site.get("articlepath", "/wiki/$1").replace(
        "$1", quote(rc["title"].replace(" ", "_"), safe="/:"))
    change = {
        "$schema": "/mediawiki/recentchange/1.0.0",
        "meta": {"uri": title_url, "id": f"local-rc-{site.get('wikiid')}-{rc['rcid']}",
                 "dt": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "domain": site.get("servername"), "stream": "mediawiki.recentchange",
                 "topic": TOPIC, "partition": 0, "offset": rc["rcid"]},
        "id": rc["rcid"], "type": rc["type"], "namespace": rc.get("ns"),
        "title": rc["title"], "title_url": title_url,
        "comment": rc.get("comment", ""), "timestamp": int(when.timestamp()),
        "user": rc.get("user"), "bot": bool(rc.get("bot")),
        "server_url": server, "server_name": site.get("servername"),
        "server_script_path": site.get("scriptpath", ""), "wiki": site.get("wikiid"),
    }
    if rc["type"] in ("edit", "new"):
        change["minor"] = bool(rc.get("minor"))
        change["length"] = {"new": rc.get("newlen")}
        change["revision"] = {"new": rc.get("revid")}
        if rc["type"] == "edit":
            change["length"]["old"] = rc.get("oldlen")
            change["revision"]["old"] = rc.get("old_revid")
    elif rc["type"] == "log":
        params = dict(rc.get("logparams") or {})
        if "target_title" in params:  # a move: EventStreams calls it "target"
            params["target"] = params.pop("target_title")
        change.update(log_id=rc.get("logid"), log_type=rc.get("logtype"),
                      log_action=rc.get("logaction"), log_params=params)
    return {k: v for k, v in change.items() if v is not None}


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib's name
        log.debug("%s " + format, self.client_address[0], *args)

    def do_GET(self) -> None:  # noqa: N802 - stdlib's name
        owner = self.server.owner
        last_id = self.headers.get("Last-Event-ID")
        path = urlsplit(self.path).path
        status = 200
        if path != STREAM_PATH:
            status = 404
        elif owner._take_refusal():
            status = 503
        owner._record(ConnectionRecord(time.monotonic(), self.path, last_id, status))
        if status != 200:
            self.send_response(status)
            if status == 503:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"not available\n")
            return
        # Where this client starts is fixed before it sees the 200: a change pushed
        # as soon as it is connected must reach it.
        start = owner._start(_offset_of(last_id))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        try:
            owner._serve_stream(self.wfile, *start)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: StreamServer


class StreamServer:
    """The SSE server and, with an ``api_url``, the recent-changes poller behind it."""

    def __init__(self, *, api_url: str | None = None, port: int = 0,
                 poll_interval: float = 0.5, heartbeat: float = 5.0, history: int = 500,
                 max_buffer: int = 10000) -> None:
        if api_url is not None and urlsplit(api_url).hostname not in LOOPBACK_HOSTS:
            raise ValueError(f"{api_url} is not a loopback wiki; this server replays "
                             f"local wikis only")
        self.api_url = api_url
        self.poll_interval = poll_interval
        self.heartbeat = heartbeat
        self.history = history
        self.max_buffer = max_buffer
        self.connections: list[ConnectionRecord] = []
        self.polls = 0            # API requests made by the poller
        self.stall = False        # accept connections, then send nothing at all
        self._events: list[tuple[int, str]] = []   # (offset, serialised change)
        self._cond = threading.Condition()
        self._generation = 0      # bumped to drop every open stream
        self._refuse = 0
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.owner = self
        self._threads: list[threading.Thread] = []
        self._serving = False

    # -- control ------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{STREAM_PATH}"

    def start(self, ready_timeout: float = 30.0) -> StreamServer:
        """Serve in background threads; with an API, wait for its history first."""
        serve = threading.Thread(target=self._httpd.serve_forever, kwargs={
            "poll_interval": 0.2}, name="nbh-stream-http", daemon=True)
        self._threads.append(serve)
        if self.api_url:
            poller = threading.Thread(target=self._poll_loop, name="nbh-stream-poll",
                                      daemon=True)
            self._threads.append(poller)
            poller.start()
            if not self._ready.wait(ready_timeout):
                self.stop()
                raise TimeoutError(f"{self.api_url} did not answer within "
                                   f"{ready_timeout:.0f} s")
        else:
            self._ready.set()
        serve.start()
        self._serving = True
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._generation += 1
            self._cond.notify_all()
        if self._serving:  # shutdown() would wait forever for a loop never started
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> StreamServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def push(self, change: dict) -> int:
        """Add one change to the stream; returns its offset (its ``id``, else next)."""
        with self._cond:
            offset = change.get("id") if isinstance(change.get("id"), int) else \
                (self._events[-1][0] + 1 if self._events else 1)
            self._append(offset, change)
            self._cond.notify_all()
        return offset

    def drop_clients(self) -> None:
        """Close every open stream (the clients see the connection end)."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def refuse_next(self, count: int) -> None:
        """Answer the next *count* connections with HTTP 503."""
        with self._cond:
            self._refuse = count

    def _take_refusal(self) -> bool:
        with self._cond:
            if self._refuse > 0:
                self._refuse -= 1
                return True
            return False

    def _record(self, record: ConnectionRecord) -> None:
        with self._cond:
            self.connections.append(record)

    def _append(self, offset: int, change: dict) -> None:
        # Called with the condition held.
        change = dict(change, id=offset)
        self._events.append((offset, json.dumps(change, ensure_ascii=False)))
        if len(self._events) > self.max_buffer:
            del self._events[:len(self._events) - self.max_buffer]

    # -- streaming ------------------------------------------------------------------
    def _start(self, after: int | None) -> tuple[int, int]:
        """(offset to stream after, generation) for a new client."""
        with self._cond:
            if after is None:  # a new client starts after the newest change
                after = self._events[-1][0] if self._events else 0
            return after, self._generation

    def _serve_stream(self, out, after: int, generation: int) -> None:
        out.write(b":ok\n\n")
        out.flush()
        last_write = time.monotonic()
        while not self._stopping.is_set():
            with self._cond:
                pending = [(o, d) for o, d in self._events if o > after]
                if not pending:
                    self._cond.wait(0.5)
                    pending = [(o, d) for o, d in self._events if o > after]
                if self._generation != generation:
                    return
            if self.stall:
                continue
            if pending:
                for offset, data in pending:
                    out.write(f"event: message\nid: {_event_id(offset)}\n"
                              f"data: {data}\n\n".encode())
                    after = offset
            elif time.monotonic() - last_write >= self.heartbeat:
                out.write(b": heartbeat\n\n")
            else:
                continue
            out.flush()
            last_write = time.monotonic()

    # -- polling the wiki ---------------------------------------------------------------
    def _poll_loop(self) -> None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        site: dict | None = None
        newest_time: str | None = None
        seen: set[int] = set()
        while not self._stopping.is_set():
            try:
                if site is None:
                    site = self._call(session, meta="siteinfo")["query"]["general"]
                    newest_time = self._load_history(session, site, seen)
                    self._ready.set()
                else:
                    newest_time = self._poll_new(session, site, seen, newest_time)
            except (requests.RequestException, ValueError, KeyError) as exc:
                log.warning("Polling %s failed: %s", self.api_url, exc)
            self._stopping.wait(self.poll_interval)

    def _call(self, session: requests.Session, **params) -> dict:
        params.update(action="query", format="json", formatversion=2)
        self.polls += 1
        reply = session.get(self.api_url, params=params, timeout=30)
        reply.raise_for_status()
        return reply.json()

    def _load_history(self, session, site: dict, seen: set[int]) -> str | None:
        rows = self._call(session, list="recentchanges", rcprop=_RC_PROPS, rcdir="older",
                          rclimit=min(self.history, 500))["query"]["recentchanges"]
        rows.reverse()
        self._add_rows(rows, site, seen)
        return rows[-1]["timestamp"] if rows else None

    def _poll_new(self, session, site: dict, seen: set[int],
                  newest_time: str | None) -> str | None:
        params = {"list": "recentchanges", "rcprop": _RC_PROPS, "rcdir": "newer",
                  "rclimit": 500}
        if newest_time:
            # Inclusive start: changes saved in the same second as the newest one
            # seen are asked for again and dropped by rcid.
            params["rcstart"] = newest_time
        for _ in range(20):  # at most 10,000 changes per poll
            data = self._call(session, **params)
            rows = data["query"]["recentchanges"]
            self._add_rows(rows, site, seen)
            if rows:
                newest_time = max(newest_time or "", rows[-1]["timestamp"])
            if "continue" not in data:
                break
            params.update(data["continue"])
        return newest_time

    def _add_rows(self, rows: list[dict], site: dict, seen: set[int]) -> None:
        fresh = [r for r in rows if r["rcid"] not in seen and r.get("type") != "external"]
        if not fresh:
            return
        with self._cond:
            for row in fresh:
                seen.add(row["rcid"])
                self._append(row["rcid"], change_from_rc(row, site))
            self._cond.notify_all()
        if len(seen) > 4 * self.max_buffer:
            floor = sorted(seen)[-self.max_buffer]
            seen.difference_update({r for r in seen if r < floor})


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.streamserver",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="the local wiki's api.php URL")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--interval", type=float, default=0.5,
                        help="seconds between polls of the wiki (default 0.5)")
    parser.add_argument("--heartbeat", type=float, default=5.0,
                        help="seconds between keep-alive comments (default 5)")
    parser.add_argument("--history", type=int, default=500,
                        help="recent changes kept for replay on start (default 500)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop after this long (default: run until interrupted)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="nbh %(levelname)s %(name)s: "
                        "%(message)s")
    try:
        server = StreamServer(api_url=args.api, port=args.port,
                              poll_interval=args.interval, heartbeat=args.heartbeat,
                              history=args.history).start()
    except (ValueError, TimeoutError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(f"streaming {server.url}", flush=True)
    try:
        done.wait(args.max_seconds)
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
