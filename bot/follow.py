"""Follow mode: react to edits of the boards within seconds, through EventStreams.

Wikimedia's EventStreams service publishes every wiki's recent changes as server-sent
events (``/v2/stream/recentchange``).  A reader thread keeps one connection open,
keeps only the changes of configured boards and hands them to the loop, which runs a
watch cycle for just those boards as soon as a burst of edits has settled (a
fraction of a second).  The cycle itself is the ordinary one (:func:`run_cycle`): the
stream only says *when* to look, never *what* happened, so a forged or lost stream
event cannot put anything wrong in the store.

Events can be lost (an outage longer than the service's replay window, a change
filtered out by mistake), so the loop also runs a full *safety poll* every
``safety_interval`` while streaming, and falls back to polling every
``poll_interval`` whenever the stream is down or silent.  The reader reconnects with
exponential backoff and sends ``Last-Event-ID`` so the service replays what was
missed.

Which stream ``wiki`` id belongs to a configured wiki: the ``stream_wikis`` mapping,
else the wiki's ``stream_wiki`` configuration key (once the schema has it), else the
site's database name from its siteinfo (``enwiki``), which is what EventStreams uses
for Wikimedia wikis.  A value with a dot in it (``en.wikipedia.org``) is matched
against the event's server name instead.
"""

from __future__ import annotations

import codecs
import json
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import requests
import urllib3

from bot.config import Board, Config
from bot.cycle import CycleReport, run_cycle
from bot.store import AlreadyRunning, Store

__all__ = ["SSEMessage", "parse_sse", "Backoff", "BoardIndex", "StreamReader", "Trigger",
           "FollowStats", "Follower", "follow", "WIKIMEDIA_STREAM_URL"]

log = logging.getLogger("nbh.follow")

WIKIMEDIA_STREAM_URL = "https://stream.wikimedia.org/v2/stream/recentchange"
# Change types that can alter a board's text or title ("categorize" and "external"
# cannot).
_RELEVANT_TYPES = ("edit", "new", "log")


# -- server-sent events -------------------------------------------------------------
@dataclass(frozen=True)
class SSEMessage:
    """One dispatched server-sent event (``id`` is the last event id at that point)."""

    event: str
    data: str
    id: str | None = None
    retry: int | None = None


def parse_sse(lines: Iterable[str]) -> Iterator[SSEMessage | int]:
    """Messages from the lines of an event stream, as the HTML standard parses them.

    Yields an :class:`SSEMessage` for each dispatched event and, for a ``retry:`` field,
    the reconnection time in milliseconds as an ``int``.  Comment lines (``:``) are
    skipped; an event without data is not dispatched; the last event id persists
    across messages, as the standard says.
    """
    event, data, last_id = "", [], None
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield SSEMessage(event or "message", "\n".join(data), last_id)
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            if "\0" not in value:
                last_id = value
        elif name == "retry":
            if value.isdigit():
                yield int(value)


def _split_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Lines from byte chunks; an event stream may end lines with CRLF, LF or CR."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        pending = pending.replace("\r\n", "\n")
        # A lone CR at the very end may be the first half of a CRLF: keep it.
        keep_cr = pending.endswith("\r")
        body = pending[:-1] if keep_cr else pending
        *lines, rest = body.replace("\r", "\n").split("\n")
        yield from lines
        pending = rest + ("\r" if keep_cr else "")
    if pending:
        yield pending.rstrip("\r")


# -- reconnection -------------------------------------------------------------------
@dataclass
class Backoff:
    """Exponential reconnection delays: base, base*factor, ... up to cap, with jitter.

    Jitter spreads reconnections of many clients after an outage of the service.
    """

    base: float = 1.0
    cap: float = 60.0
    factor: float = 2.0
    jitter: float = 0.2
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def next(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        delay = min(self.cap, self.base * self.factor ** self.failures)
        self.failures += 1
        if self.jitter:
            delay *= 1 + self.rng.uniform(-self.jitter, self.jitter)
        return max(0.0, min(delay, self.cap))

    def reset(self) -> None:
        self.failures = 0


# -- which events concern which board ---------------------------------------------------
def plain_title(title: str) -> str:
    """A title as the API prints it: spaces, not underscores; first letter upper case."""
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]


class BoardIndex:
    """Finds the configured boards a recent-change event is about."""

    def __init__(self, entries: Iterable[tuple[str, str, Board]]) -> None:
        """*entries*: (stream wiki id, title as the stream spells it, board)."""
        self._boards: dict[tuple[str, str], list[Board]] = {}
        for wiki_id, title, board in entries:
            self._boards.setdefault((wiki_id, plain_title(title)), []).append(board)
        self.wiki_ids = frozenset(w for w, _ in self._boards)
        self.boards = frozenset(b for found in self._boards.values() for b in found)

    def __len__(self) -> int:
        return sum(len(b) for b in self._boards.values())

    @classmethod
    def from_config(cls, config: Config, *, stream_wikis: Mapping[str, str] | None = None,
                    title_of: Callable[[Board], str] | None = None,
                    board_names: list[str] | None = None) -> BoardIndex:
        """The index of *config*'s boards (or of *board_names*).

        ``title_of`` gives a board's title as the stream spells it (localised namespace:
        ``Wikipedia:`` for ``Project:``); the default keeps the configured title.
        Wikis without a stream id, or mapped to ``False``/``""``, are left out: they are
        polled every poll interval.
        """
        stream_wikis = stream_wikis or {}
        selected = {config.board(n) for n in board_names} if board_names else None
        entries = []
        for wiki in config.wikis.values():
            wiki_id = stream_wikis[wiki.name] if wiki.name in stream_wikis else \
                configured_stream_wiki(config, wiki.name)
            if not wiki_id:
                continue
            for board in wiki.boards:
                if selected is None or board in selected:
                    entries.append((wiki_id, title_of(board) if title_of else board.title,
                                    board))
        return cls(entries)

    def boards_for(self, change: Mapping) -> tuple[Board, ...]:
        """The boards *change* (a decoded ``recentchange`` event) touched, if any."""
        if change.get("type") not in _RELEVANT_TYPES:
            return ()
        meta = change.get("meta") or {}
        if meta.get("domain") == "canary":  # the service's own liveness probes
            return ()
        ids = {change.get("wiki"), change.get("server_name"), meta.get("domain")}
        titles = [change.get("title")]
        if change.get("type") == "log":
            params = change.get("log_params")
            if isinstance(params, dict):
                # A board moved away or onto: the target is in the log parameters.
                titles.append(params.get("target"))
        found: list[Board] = []
        for wiki_id in ids & self.wiki_ids:
            for title in titles:
                if isinstance(title, str):
                    found += self._boards.get((wiki_id, plain_title(title)), [])
        return tuple(dict.fromkeys(found))


def configured_stream_wiki(config: Config, wiki_name: str) -> str | bool | None:
    """The ``stream_wiki`` key of a wiki in the configuration file: an id, ``False``
    (not on the stream) or None (not set)."""
    spec = (config.raw.get("wikis") or {}).get(wiki_name) or {}
    value = spec.get("stream_wiki")
    return value if isinstance(value, (str, bool)) else None


def index_from_sites(config: Config, *, stream_wikis: Mapping[str, str] | None = None,
                     board_names: list[str] | None = None) -> BoardIndex:
    """The index with stream ids and titles resolved through each wiki's siteinfo."""
    import pywikibot

    sites = {w.name: pywikibot.Site(w.code, w.family) for w in config.wikis.values()
             if w.boards and not w.private}
    ids = {}
    for name, site in sites.items():
        chosen = (stream_wikis or {}).get(name, configured_stream_wiki(config, name))
        # Not set: the database name, which is the stream's id for Wikimedia wikis.
        ids[name] = site.dbName() if chosen is None or chosen is True else chosen
    return BoardIndex.from_config(
        config, stream_wikis=ids, board_names=board_names,
        title_of=lambda b: pywikibot.Page(sites[b.wiki], b.title).title())


# -- the reader thread ----------------------------------------------------------------
@dataclass(frozen=True)
class StreamHit:
    """A stream event about one or more boards."""

    boards: tuple[Board, ...]
    revid: int | None
    received: float  # time.monotonic()


class StreamReader(threading.Thread):
    """Keeps an event stream open and queues the events about configured boards.

    ``live()`` says whether the stream can be trusted right now: connected, and some
    bytes (an event or a keep-alive comment) arrived within ``silence_timeout``.
    """

    def __init__(self, url: str, index: BoardIndex, *, user_agent: str,
                 silence_timeout: float = 60.0, connect_timeout: float = 10.0,
                 backoff: Backoff | None = None,
                 session: requests.Session | None = None) -> None:
        super().__init__(name="nbh-stream-reader", daemon=True)
        self.url = url
        self.index = index
        self.user_agent = user_agent
        self.silence_timeout = silence_timeout
        self.connect_timeout = connect_timeout
        self.backoff = backoff or Backoff()
        self.session = session or requests.Session()
        self.hits: queue.Queue[StreamHit] = queue.Queue()
        self.last_event_id: str | None = None
        self.connections = 0      # successful (200) connections so far
        self.attempts = 0         # connection attempts so far
        self.messages = 0
        self.delays: list[float] = []  # reconnection delays chosen, for tests and logs
        self._stopping = threading.Event()
        self._connected = False
        self._last_data = 0.0
        self._response: requests.Response | None = None
        self._lock = threading.Lock()

    def live(self) -> bool:
        with self._lock:
            return self._connected and \
                time.monotonic() - self._last_data < self.silence_timeout

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading; closing the response wakes a read blocked on the socket."""
        self._stopping.set()
        with self._lock:
            response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:  # noqa: BLE001 - closing from another thread may race
                pass
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self._stopping.is_set():
            retry_after = 0.0
            try:
                retry_after = self._read_once()
            except (requests.RequestException, OSError, ValueError,
                    urllib3.exceptions.HTTPError) as exc:
                if not self._stopping.is_set():
                    log.warning("Stream connection lost: %s: %s", type(exc).__name__, exc)
            except Exception:
                if self._stopping.is_set():  # the response was closed under the read
                    break
                # A bug, not the network: say so loudly, and leave it to polling.
                log.exception("Stream reader stopped by an error; polling only")
                self._stopping.set()
            finally:
                with self._lock:
                    self._connected = False
                    self._response = None
            if self._stopping.is_set():
                break
            delay = max(self.backoff.next(), retry_after)
            self.delays.append(delay)
            log.info("Reconnecting to the stream in %.1f s (attempt %d)", delay,
                     self.attempts + 1)
            self._stopping.wait(delay)

    def _read_once(self) -> float:
        """One connection, read until it ends; returns a server-requested wait (s)."""
        headers = {"Accept": "text/event-stream", "User-Agent": self.user_agent,
                   "Cache-Control": "no-cache"}
        if self.last_event_id:
            headers["Last-Event-ID"] = self.last_event_id
        self.attempts += 1
        response = self.session.get(self.url, headers=headers, stream=True,
                                    timeout=(self.connect_timeout, self.silence_timeout))
        with self._lock:
            if self._stopping.is_set():  # stop() came while we were connecting
                response.close()
                return 0.0
            self._response = response
        with response:
            if response.status_code != 200:
                log.warning("Stream refused: HTTP %d from %s", response.status_code, self.url)
                return _retry_after(response)
            kind = response.headers.get("Content-Type", "")
            if not kind.startswith("text/event-stream"):
                log.warning("Stream answered %r, not an event stream: %s", kind, self.url)
                return 0.0
            self.connections += 1
            with self._lock:
                self._connected = True
                self._last_data = time.monotonic()
            log.info("Stream connected: %s (resuming: %s)", self.url,
                     "yes" if self.last_event_id else "no")
            for item in parse_sse(_split_lines(self._chunks(response))):
                if isinstance(item, int):
                    # The server's own reconnection time becomes the base delay.
                    self.backoff.base = max(0.1, item / 1000)
                    continue
                self.backoff.reset()
                self.messages += 1
                if item.id is not None:
                    self.last_event_id = item.id
                if item.event == "message":
                    self._offer(item.data)
        return 0.0

    def _chunks(self, response: requests.Response) -> Iterator[bytes]:
        # read1 returns what has arrived instead of waiting for a full buffer, so an
        # event is handled when it comes, not when the next 512 bytes do.
        raw = response.raw
        read = getattr(raw, "read1", None) or (lambda n: raw.read(1))
        while not self._stopping.is_set():
            chunk = read(65536)
            if not chunk:
                return
            with self._lock:
                self._last_data = time.monotonic()
            yield chunk

    def _offer(self, data: str) -> None:
        try:
            change = json.loads(data)
        except ValueError:
            log.debug("Skipping stream message, not JSON")
            return
        if not isinstance(change, dict):
            return
        boards = self.index.boards_for(change)
        if boards:
            revision = change.get("revision") or {}
            revid = revision.get("new") if isinstance(revision, dict) else None
            self.hits.put(StreamHit(boards, revid if isinstance(revid, int) else None,
                                    time.monotonic()))


def _retry_after(response: requests.Response) -> float:
    value = response.headers.get("Retry-After", "")
    return min(float(value), 600.0) if value.isdigit() else 0.0


# -- the follow loop ------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    """Why a cycle ran: ``start``, ``stream``, ``poll``, ``safety`` or ``reconnect``.

    ``boards`` are the boards the cycle looked at (empty: all); ``first_seen`` is when
    the first stream event behind a ``stream`` cycle arrived (``time.monotonic()``).
    """

    reason: str
    boards: tuple[Board, ...] = ()
    first_seen: float | None = None


@dataclass
class FollowStats:
    """What a follow run did, by kind of cycle."""

    cycles: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    events: int = 0
    stream_hits: int = 0
    skipped_hits: int = 0    # events about revisions already processed
    failed_cycles: int = 0
    requests: int = 0


def _transient_errors() -> tuple[type[BaseException], ...]:
    """Errors after which the next cycle is worth trying (the wiki or network)."""
    import pywikibot.exceptions as pwb
    import sqlalchemy.exc

    # ApiTimeoutError is the name since Pywikibot 11.5; TimeoutError before it.
    api_timeout = getattr(pwb, "ApiTimeoutError", None) or pwb.TimeoutError
    return (pwb.ServerError, api_timeout, pwb.MaxlagTimeoutError,
            requests.RequestException, ConnectionError, TimeoutError,
            sqlalchemy.exc.OperationalError)


class Follower:
    """The follow loop; :func:`follow` is its one-call form."""

    def __init__(self, config: Config, store: Store, publisher, *,
                 stream_url: str | None, poll_interval: float,
                 safety_interval: float | None = None, silence_timeout: float = 60.0,
                 debounce: float = 1.0, stream_wikis: Mapping[str, str] | None = None,
                 index: BoardIndex | None = None, board_names: list[str] | None = None,
                 backfill: timedelta | None = None, backoff: Backoff | None = None,
                 user_agent: str | None = None, lock_wait: float = 30.0,
                 run: Callable[..., CycleReport] = run_cycle) -> None:
        if poll_interval <= 0:
            raise ValueError("poll_interval must be positive")
        self.config = config
        self.store = store
        self.publisher = publisher
        self.stream_url = stream_url
        self.poll_interval = poll_interval
        # Streams lose events rarely; a poll every ten intervals bounds the damage.
        self.safety_interval = safety_interval or 10 * poll_interval
        self.debounce = debounce
        self.board_names = board_names
        self.backfill = backfill
        self.lock_wait = lock_wait
        self.run_cycle = run
        self.stats = FollowStats()
        self.reader: StreamReader | None = None
        self.unstreamed: tuple[Board, ...] = ()  # boards the stream cannot tell about
        if stream_url:
            index = index or index_from_sites(config, stream_wikis=stream_wikis,
                                              board_names=board_names)
            if not len(index):
                log.warning("No board can be followed on the stream; polling only")
            else:
                self.reader = StreamReader(stream_url, index,
                                           user_agent=user_agent or _user_agent(config),
                                           silence_timeout=silence_timeout,
                                           backoff=backoff)
                selected = {config.board(n) for n in board_names} if board_names \
                    else set(config.boards)
                self.unstreamed = tuple(b for b in config.boards
                                        if b in selected and b not in index.boards)

    @property
    def stream_live(self) -> bool:
        return self.reader is not None and self.reader.live()

    def run(self, *, stop: threading.Event | None = None, max_cycles: int | None = None,
            max_seconds: float | None = None,
            on_report: Callable[[CycleReport, Trigger], None] | None = None) -> FollowStats:
        """Follow until *stop* is set, *max_cycles* cycles ran or *max_seconds* passed."""
        if self.reader is not None and self.reader.ident is not None:
            raise RuntimeError("a Follower with a stream runs once; make a new one")
        stop = stop or threading.Event()
        end = time.monotonic() + max_seconds if max_seconds is not None else None
        if self.reader is not None:
            self.reader.start()
            # Connect before the first cycle, so that the stream covers what the
            # first cycle does not: nothing falls between the two.
            connect_by = time.monotonic() + 3.0
            while (not self.reader.connections and self.reader.attempts < 2
                   and time.monotonic() < connect_by and not stop.is_set()):
                stop.wait(0.05)
        self._last_poll: float | None = None       # last cycle over every board
        self._last_unstreamed = 0.0                # last poll of unstreamed boards
        self._seen_connections = 0
        try:
            while not stop.is_set():
                if max_cycles is not None and self.stats.cycles >= max_cycles:
                    break
                now = time.monotonic()
                if end is not None and now >= end:
                    break
                trigger, wait = self._due(now)
                if trigger is not None:
                    self._cycle(trigger, on_report)
                    continue
                if end is not None:
                    wait = min(wait, max(0.0, end - now))
                hit = self._next_hit(min(wait, 0.5), stop)
                if hit is not None:
                    boards, first = self._gather(hit, stop)
                    if boards:
                        self._cycle(Trigger("stream", boards, first), on_report)
        finally:
            if self.reader is not None:
                self.reader.stop()
        return self.stats

    def _due(self, now: float) -> tuple[Trigger | None, float]:
        """The cycle due now, if any, else how long nothing is due."""
        live = self.stream_live
        connections = self.reader.connections if self.reader is not None else 0
        interval = self.safety_interval if live else self.poll_interval
        reason = None
        if self._last_poll is None:
            reason = "start"
        elif connections > self._seen_connections and \
                now - self._last_poll >= min(self.poll_interval, 10.0):
            # Back after an outage: look once, whatever the replay covers.  A server
            # that drops every connection gets one such cycle per poll interval at most.
            reason = "reconnect"
        elif now - self._last_poll >= interval:
            reason = "safety" if live else "poll"
        if reason is not None:
            self._seen_connections = connections
            self._last_poll = self._last_unstreamed = now
            return Trigger(reason), 0.0
        wait = self._last_poll + interval - now
        if live and self.unstreamed:
            # Boards of wikis that are not on the stream keep the ordinary schedule.
            if now - self._last_unstreamed >= self.poll_interval:
                self._last_unstreamed = now
                return Trigger("poll", self.unstreamed), 0.0
            wait = min(wait, self._last_unstreamed + self.poll_interval - now)
        return None, max(0.0, wait)

    def _next_hit(self, wait: float, stop: threading.Event) -> StreamHit | None:
        if self.reader is None:
            stop.wait(wait)
            return None
        try:
            return self.reader.hits.get(timeout=wait)
        except queue.Empty:
            return None

    def _gather(self, first: StreamHit, stop: threading.Event
                ) -> tuple[tuple[Board, ...], float]:
        """The boards of a burst: hits until a quiet quarter of ``debounce``, at most
        ``debounce`` after the first, less those already processed."""
        hits = [first]
        deadline = first.received + self.debounce
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                hits.append(self.reader.hits.get(timeout=min(left, self.debounce / 4)))
            except queue.Empty:
                break
        self.stats.stream_hits += len(hits)
        boards: dict[Board, None] = {}
        for hit in hits:
            for board in hit.boards:
                if hit.revid is not None and self._already_seen(board, hit.revid):
                    self.stats.skipped_hits += 1
                    continue
                boards[board] = None
        return tuple(boards), first.received

    def _already_seen(self, board: Board, revid: int) -> bool:
        state = self.store.board_state(board.wiki, board.title)
        return state is not None and state.last_revid >= revid

    def _cycle(self, trigger: Trigger, on_report) -> None:
        names = [f"{b.wiki}:{b.name}" for b in trigger.boards] or self.board_names
        try:
            # The same lock as the scheduled watcher: never two cycles at once.
            with self.store.job_lock("watch", wait=self.lock_wait):
                report = self.run_cycle(self.config, self.store, self.publisher,
                                        board_names=names, backfill=self.backfill)
        except AlreadyRunning as exc:
            log.warning("Skipping %s cycle, %s", trigger.reason, exc)
            self._count(trigger, failed=True)
            return
        except _transient_errors() as exc:
            log.warning("Skipping %s cycle, wiki or store failing: %s: %s",
                        trigger.reason, type(exc).__name__, str(exc).splitlines()[0][:200]
                        if str(exc) else "")
            self._count(trigger, failed=True)
            return
        self._count(trigger)
        self.stats.events += len(report.events)
        self.stats.requests += report.requests
        log.info("Cycle (%s): %d event(s), %d board(s) changed, %d request(s)",
                 trigger.reason, len(report.events), len(report.changed_boards),
                 report.requests)
        if on_report is not None:
            on_report(report, trigger)

    def _count(self, trigger: Trigger, failed: bool = False) -> None:
        self.stats.cycles += 1
        self.stats.by_reason[trigger.reason] = self.stats.by_reason.get(trigger.reason, 0) + 1
        if failed:
            self.stats.failed_cycles += 1


def _user_agent(config: Config) -> str:
    """Pywikibot's descriptive user agent (script, account, site), as the wikis see it."""
    try:
        import pywikibot
        from pywikibot.comms import http

        wiki = next(w for w in config.wikis.values() if w.boards)
        return http.user_agent(pywikibot.Site(wiki.code, wiki.family))
    except Exception:  # noqa: BLE001 - no Pywikibot configuration: still say who we are
        return "noticeboard-helper (follow mode)"


def follow(config: Config, store: Store, publisher, *, stream_url: str | None,
           poll_interval: float, stop: threading.Event | None = None,
           max_cycles: int | None = None,
           on_report: Callable[[CycleReport, Trigger], None] | None = None,
           max_seconds: float | None = None, **options) -> FollowStats:
    """Run watch cycles as board edits arrive on *stream_url*, polling as a fallback.

    With ``stream_url=None`` this is plain polling every *poll_interval* seconds.
    ``on_report(report, trigger)`` is called after each successful cycle.  Further
    keyword options are those of :class:`Follower` (``safety_interval``,
    ``silence_timeout``, ``debounce``, ``stream_wikis``, ``board_names``,
    ``backfill``, ...).
    """
    follower = Follower(config, store, publisher, stream_url=stream_url,
                        poll_interval=poll_interval, **options)
    return follower.run(stop=stop, max_cycles=max_cycles, max_seconds=max_seconds,
                        on_report=on_report)
