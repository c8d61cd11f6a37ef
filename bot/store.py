"""The bot's state (SQLAlchemy Core): SQLite by default, MariaDB/ToolsDB on Toolforge.

It holds ids, hashes and derived labels: the last processed revision per board, the
events found, and what was already published.  Each board's events and its new
position are written in one transaction, so a run killed half-way repeats nothing and
loses nothing on the next run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.errors import ConfigError, NoticeboardError
from bot.events import Event
from bot.history import HistoryEntry

metadata = sa.MetaData()

meta = sa.Table(
    "nbh_meta", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)

board_state = sa.Table(
    "nbh_board_state", metadata,
    sa.Column("wiki", sa.String(64), primary_key=True),
    sa.Column("board", sa.String(255), primary_key=True),
    sa.Column("last_revid", sa.BigInteger, nullable=False),
    sa.Column("last_time", sa.DateTime, nullable=False),
    sa.Column("updated", sa.DateTime, nullable=False),
)

events = sa.Table(
    "nbh_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_key", sa.String(40), nullable=False, unique=True),
    sa.Column("wiki", sa.String(64), nullable=False),
    sa.Column("board", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("revid", sa.BigInteger, nullable=False),
    sa.Column("rev_time", sa.DateTime, nullable=False),
    sa.Column("rev_user", sa.String(255)),
    sa.Column("thread_key", sa.String(255), nullable=False),
    sa.Column("heading", sa.String(255), nullable=False),
    sa.Column("author", sa.String(255)),
    sa.Column("comment_time", sa.DateTime),
    sa.Column("archive", sa.String(255)),
    sa.Column("uncertain", sa.Boolean, nullable=False, default=False),
    sa.Column("created", sa.DateTime, nullable=False),
    # version 2: derived labels of reports and closures (never report text)
    sa.Column("categories", sa.Text),
    sa.Column("emergency", sa.Boolean, nullable=False, default=False),
    sa.Column("targets", sa.Text),
    sa.Column("fingerprint", sa.String(1024)),
    sa.Column("outcome", sa.String(32)),
    # version 3: whether a run has printed the event (a run that died after storing
    # events but before printing them leaves them for the next run to print)
    sa.Column("reported", sa.Boolean, nullable=False, default=True),
    sa.Index("ix_nbh_events_board", "wiki", "board", "revid"),
)

outbox = sa.Table(
    "nbh_outbox", metadata,
    sa.Column("item_key", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("sent", sa.DateTime),
)

flag_keys = sa.Table(
    "nbh_flag_keys", metadata,
    sa.Column("reporter", sa.String(255), primary_key=True),
    sa.Column("piece_key", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),  # sent | dismissed
    sa.Column("updated", sa.DateTime, nullable=False),
)

# version 4: reporter history found by backfilling board archives, how far each
# archive page was read, and outcomes set or corrected by functionaries.
history = sa.Table(
    "nbh_history", metadata,
    sa.Column("report_key", sa.String(40), primary_key=True),  # sha1 of wiki|board|thread
    sa.Column("wiki", sa.String(64), nullable=False),
    sa.Column("board", sa.String(255), nullable=False),
    sa.Column("thread_key", sa.String(255), nullable=False),
    sa.Column("heading", sa.String(255), nullable=False),
    sa.Column("reporter", sa.String(255)),  # None: no revision found for the signature
    sa.Column("revid", sa.BigInteger, nullable=False),  # the revision opening it (0: unknown)
    sa.Column("opened", sa.DateTime, nullable=False),
    sa.Column("closed", sa.DateTime),
    sa.Column("closer", sa.String(255)),
    sa.Column("closer_trusted", sa.Boolean, nullable=False, default=False),
    sa.Column("outcome", sa.String(32)),
    sa.Column("evidence", sa.String(255)),  # why that outcome (ids and codes, never text)
    sa.Column("targets", sa.Text),
    sa.Column("fingerprint", sa.String(1024)),
    sa.Column("source", sa.String(255), nullable=False),  # the page it was read from
    sa.Column("updated", sa.DateTime, nullable=False),
)

backfill_pages = sa.Table(
    "nbh_backfill_pages", metadata,
    sa.Column("wiki", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(255), primary_key=True),
    sa.Column("revid", sa.BigInteger, nullable=False),  # the revision that was read
    sa.Column("reports", sa.Integer, nullable=False),
    sa.Column("done", sa.DateTime, nullable=False),
)

outcome_overrides = sa.Table(
    "nbh_outcomes", metadata,
    sa.Column("report_id", sa.String(16), primary_key=True),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),  # wiki page or script
    sa.Column("set_by", sa.String(255)),
    sa.Column("updated", sa.DateTime, nullable=False),
)

_V2_EVENT_COLUMNS = ("categories TEXT", "emergency BOOLEAN NOT NULL DEFAULT 0",
                     "targets TEXT", "fingerprint VARCHAR(1024)", "outcome VARCHAR(32)")


def _migration_1(conn: Connection) -> None:
    for table in (board_state, events):
        table.create(conn, checkfirst=True)


def _migration_2(conn: Connection) -> None:
    # A store created by this code already has the columns (create() uses today's
    # table); one created by version 1 gets them added.
    have = {c["name"] for c in sa.inspect(conn).get_columns(events.name)}
    for column in _V2_EVENT_COLUMNS:
        if column.split()[0] not in have:
            conn.execute(sa.text(f"ALTER TABLE {events.name} ADD COLUMN {column}"))
    for table in (outbox, flag_keys):
        table.create(conn, checkfirst=True)


def _migration_3(conn: Connection) -> None:
    have = {c["name"] for c in sa.inspect(conn).get_columns(events.name)}
    if "reported" not in have:
        conn.execute(sa.text(f"ALTER TABLE {events.name} ADD COLUMN reported BOOLEAN "
                             f"NOT NULL DEFAULT 1"))


def _migration_4(conn: Connection) -> None:
    for table in (history, backfill_pages, outcome_overrides):
        table.create(conn, checkfirst=True)


# Schema versions: each function moves the schema from version i to i + 1.  Append,
# never edit, so a deployed store upgrades step by step.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_migration_1, _migration_2,
                                                        _migration_3, _migration_4)
SCHEMA_VERSION = len(MIGRATIONS)


def masked_url(url: str) -> str:
    """*url* without its password, for messages and logs."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url.split("@")[-1]


def _utc(value: datetime | None) -> datetime | None:
    # Stored naive in UTC (MariaDB DATETIME has no zone); handed out aware.
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _naive(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None)


class AlreadyRunning(NoticeboardError):
    """Another run of the same job holds the lock."""


@dataclass(frozen=True)
class BoardState:
    """Where the watcher stands on one board."""

    wiki: str
    board: str
    last_revid: int
    last_time: datetime


class Store:
    """The one way to read and write the bot's state."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        try:
            self.engine = engine or sa.create_engine(url, future=True, pool_pre_ping=True)
        except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
            raise ConfigError(f"cannot use the state store {masked_url(url)!r}: "
                              f"{exc}") from None
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    # -- schema -------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            if not sa.inspect(conn).has_table(meta.name):
                return 0
            row = conn.execute(sa.select(meta.c.value).where(
                meta.c.name == "schema_version")).first()
            return int(row[0]) if row else 0

    def migrate(self) -> None:
        """Bring the schema to :data:`SCHEMA_VERSION`, one migration per transaction.

        Two runs starting on a new store at once must not both migrate it: MariaDB's
        DDL is not transactional, so the second would create tables the first just
        made.  The migration holds the ``migrate`` lock; whoever comes second finds
        the schema current.
        """
        if self.schema_version() == SCHEMA_VERSION:
            return  # the usual case: nothing to do, no lock taken
        with self.job_lock("migrate", wait=300):
            self._migrate()

    def _migrate(self) -> None:
        with self.engine.begin() as conn:
            meta.create(conn, checkfirst=True)
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise ConfigError(f"the state store {masked_url(self.url)!r} has schema version {current}, "
                              f"newer than this code ({SCHEMA_VERSION}); upgrade the bot")
        for version in range(current, SCHEMA_VERSION):
            with self.engine.begin() as conn:
                MIGRATIONS[version](conn)
                # The version row is updated in the same transaction as the migration.
                updated = conn.execute(meta.update().where(
                    meta.c.name == "schema_version").values(value=str(version + 1)))
                if updated.rowcount == 0:
                    conn.execute(meta.insert().values(name="schema_version",
                                                      value=str(version + 1)))

    # -- no overlapping runs ---------------------------------------------------------
    @contextmanager
    def job_lock(self, name: str, *, wait: float = 0.0) -> Iterator[None]:
        """Hold the lock *name* for the block, across processes and hosts.

        MariaDB: a named server lock (``GET_LOCK``), released if the holder dies.
        SQLite: an exclusive ``flock`` on a file beside the database.  Raises
        :class:`AlreadyRunning` if the lock is still taken after *wait* seconds.
        """
        if self.engine.dialect.name == "sqlite":
            database = self.engine.url.database
            path = Path(database + f".{name}.lock") if database and database != ":memory:" \
                else None
            if path is None:
                yield
                return
            with path.open("w") as handle:
                deadline = time.monotonic() + wait
                while True:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise AlreadyRunning(f"another run holds the {name!r} lock "
                                                 f"({path})") from None
                        time.sleep(0.2)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
        lock_name = f"nbh:{self.engine.url.database}:{name}"[:64]
        with self.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT GET_LOCK(:n, :w)"),
                               {"n": lock_name, "w": int(wait)}).scalar()
            if got != 1:
                raise AlreadyRunning(f"another run holds the {name!r} lock")
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT RELEASE_LOCK(:n)"), {"n": lock_name})

    # -- boards -------------------------------------------------------------------
    def board_state(self, wiki: str, board: str) -> BoardState | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(board_state).where(
                board_state.c.wiki == wiki, board_state.c.board == board)).first()
        if row is None:
            return None
        return BoardState(row.wiki, row.board, row.last_revid, _utc(row.last_time))

    def record_board(self, wiki: str, board: str, *, revid: int, rev_time: datetime,
                     found: Iterable[Event] = ()) -> list[Event]:
        """Store *found* events and the board's new position in one transaction.

        Returns the events that were new (an event stored before is skipped), so a
        cycle that is repeated after a crash reports each event once.
        """
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with self.engine.begin() as conn:
            new = self._insert_events(conn, found, now)
            if new:
                # Pages built from events are redrawn until a run manages to save them.
                for name in ("private", f"backlog:{wiki}"):
                    self._set_meta(conn, f"stale:{name}", "1")
            values = dict(last_revid=revid, last_time=_naive(rev_time), updated=now)
            changed = conn.execute(board_state.update().where(
                board_state.c.wiki == wiki, board_state.c.board == board).values(**values))
            if changed.rowcount == 0:
                conn.execute(board_state.insert().values(wiki=wiki, board=board, **values))
        return new

    def record_events(self, found: Iterable[Event]) -> list[Event]:
        """Store events that no board position stands for (a report a functionary
        posted by hand); returns the new ones.  The private pages become stale."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with self.engine.begin() as conn:
            new = self._insert_events(conn, found, now)
            if new:
                self._set_meta(conn, "stale:private", "1")
        return new

    @staticmethod
    def _insert_events(conn: Connection, found: Iterable[Event], now: datetime) -> list[Event]:
        new: list[Event] = []
        for event in found:
            exists = conn.execute(sa.select(events.c.id).where(
                events.c.event_key == event.key)).first()
            if exists:
                continue
            conn.execute(events.insert().values(
                event_key=event.key, wiki=event.wiki, board=event.board,
                kind=event.kind, revid=event.revid, rev_time=_naive(event.rev_time),
                rev_user=event.user, thread_key=event.thread_key[:255],
                heading=event.heading[:255], author=event.author,
                comment_time=_naive(event.comment_time), archive=event.archive,
                uncertain=event.uncertain, created=now,
                categories=json.dumps(event.categories) if event.categories else None,
                emergency=event.emergency,
                targets=json.dumps(event.targets) if event.targets else None,
                fingerprint=event.fingerprint, outcome=event.outcome, reported=False))
            new.append(event)
        return new

    def unreported(self) -> list[Event]:
        """Events stored by a run that did not live to print them."""
        return self.events(reported=False)

    def mark_reported(self, found: Iterable[Event]) -> None:
        keys = [e.key for e in found]
        with self.engine.begin() as conn:
            for start in range(0, len(keys), 500):
                conn.execute(events.update().where(events.c.event_key.in_(
                    keys[start:start + 500])).values(reported=True))

    def events(self, *, wiki: str | None = None, board: str | None = None,
               kind: str | None = None, reported: bool | None = None,
               thread_keys: Iterable[str] | None = None) -> list[Event]:
        """Stored events in the order they were found (of *thread_keys* only, if given)."""
        query = sa.select(events).order_by(events.c.id)
        if reported is not None:
            query = query.where(events.c.reported == reported)
        if thread_keys is not None:
            query = query.where(events.c.thread_key.in_(sorted({k[:255] for k in thread_keys})))
        for column, value in (("wiki", wiki), ("board", board), ("kind", kind)):
            if value is not None:
                query = query.where(events.c[column] == value)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Event(wiki=r.wiki, board=r.board, kind=r.kind, revid=r.revid,
                      rev_time=_utc(r.rev_time), user=r.rev_user, thread_key=r.thread_key,
                      heading=r.heading, author=r.author,
                      comment_time=_utc(r.comment_time), archive=r.archive,
                      uncertain=bool(r.uncertain),
                      categories=tuple(tuple(c) for c in json.loads(r.categories or "[]")),
                      emergency=bool(r.emergency),
                      targets=tuple(json.loads(r.targets or "[]")),
                      fingerprint=r.fingerprint, outcome=r.outcome) for r in rows]

    # -- private outputs: rendered again whenever new events were stored -------------
    @staticmethod
    def _set_meta(conn: Connection, name: str, value: str) -> None:
        done = conn.execute(meta.update().where(meta.c.name == name).values(value=value))
        if done.rowcount == 0:
            conn.execute(meta.insert().values(name=name, value=value))

    def _meta(self, name: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.name == name)).first()
        return row[0] if row else None

    def stale(self, name: str) -> bool:
        """Whether events arrived since the pages called *name* were last saved."""
        return self._meta(f"stale:{name}"[:64]) == "1"

    def mark_fresh(self, name: str) -> None:
        with self.engine.begin() as conn:
            self._set_meta(conn, f"stale:{name}"[:64], "0")

    def seen_revisions(self, name: str) -> dict[str, int]:
        """The page revisions last read as input called *name* (title -> revid)."""
        value = self._meta(f"seen:{name}"[:64])
        return json.loads(value) if value is not None else {}

    def set_seen_revisions(self, name: str, revisions: dict[str, int]) -> None:
        with self.engine.begin() as conn:
            self._set_meta(conn, f"seen:{name}"[:64], json.dumps(revisions, sort_keys=True))

    # -- forgetting on time -------------------------------------------------------------
    def purge(self, *, older_than: datetime | None = None,
              hidden_revids: Iterable[tuple[str, int]] = ()) -> tuple[int, int]:
        """Forget what must not be kept; return (events deleted, events scrubbed).

        Events older than *older_than* are deleted.  Events from revisions that were
        revision-deleted or suppressed on the wiki (*hidden_revids*: (wiki, revid))
        lose everything derived from the hidden text: triage labels, targets,
        fingerprint and heading.  Private pages are redrawn afterwards.
        """
        deleted = scrubbed = 0
        with self.engine.begin() as conn:
            if older_than is not None:
                deleted = conn.execute(events.delete().where(
                    events.c.rev_time < _naive(older_than))).rowcount
                deleted += conn.execute(history.delete().where(
                    history.c.opened < _naive(older_than))).rowcount
            for wiki, revid in hidden_revids:
                scrubbed += conn.execute(events.update().where(
                    events.c.wiki == wiki, events.c.revid == revid,
                    events.c.heading != "").values(
                    categories=None, targets=None, fingerprint=None, heading="",
                    emergency=False)).rowcount
                scrubbed += conn.execute(history.update().where(
                    history.c.wiki == wiki, history.c.revid == revid,
                    history.c.heading != "").values(
                    targets=None, fingerprint=None, heading="")).rowcount
            if deleted or scrubbed:
                self._set_meta(conn, "stale:private", "1")
        return deleted, scrubbed

    # -- reporter history from archives, and outcomes set by functionaries -----------
    def backfill_position(self, wiki: str, title: str) -> int | None:
        """The revision of an archive page that was read completely, if any."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(backfill_pages.c.revid).where(
                backfill_pages.c.wiki == wiki, backfill_pages.c.title == title[:255])).first()
        return row.revid if row else None

    def record_history(self, wiki: str, title: str, revid: int,
                       entries: Iterable[HistoryEntry]) -> int:
        """Store the reports read from one page and the page's position, together.

        A report seen again (on the board, then in its archive) is updated with what
        the later reading knows: a closure, an outcome, an attribution.  Returns how
        many reports were new.
        """
        now = _naive(datetime.now(timezone.utc))
        new = 0
        entries = list(entries)
        with self.engine.begin() as conn:
            for entry in entries:
                key = hashlib.sha1(entry.key.encode()).hexdigest()
                values = dict(
                    wiki=entry.wiki, board=entry.board, thread_key=entry.thread_key[:255],
                    heading=entry.heading[:255], reporter=entry.reporter, revid=entry.revid,
                    opened=_naive(entry.opened), closed=_naive(entry.closed),
                    closer=entry.closer, closer_trusted=entry.closer_trusted,
                    outcome=entry.outcome, evidence=entry.evidence,
                    targets=json.dumps(entry.targets) if entry.targets else None,
                    fingerprint=entry.fingerprint, source=entry.source[:255], updated=now)
                old = conn.execute(sa.select(history).where(
                    history.c.report_key == key)).first()
                if old is None:
                    conn.execute(history.insert().values(report_key=key, **values))
                    new += 1
                    continue
                if entry.reporter is None and old.reporter is not None:
                    for column in ("reporter", "revid", "opened"):
                        values[column] = getattr(old, column)
                if entry.closed is None and entry.outcome is None:
                    for column in ("closed", "closer", "closer_trusted", "outcome", "evidence"):
                        values[column] = getattr(old, column)
                conn.execute(history.update().where(history.c.report_key == key).values(**values))
            done = dict(revid=revid, reports=len(entries), done=now)
            changed = conn.execute(backfill_pages.update().where(
                backfill_pages.c.wiki == wiki, backfill_pages.c.title == title[:255]
            ).values(**done))
            if changed.rowcount == 0:
                conn.execute(backfill_pages.insert().values(wiki=wiki, title=title[:255], **done))
            if entries:
                self._set_meta(conn, "stale:private", "1")
        return new

    def history(self, *, wiki: str | None = None, board: str | None = None
                ) -> list[HistoryEntry]:
        """Reports found by backfilling, oldest first."""
        query = sa.select(history).order_by(history.c.opened, history.c.thread_key)
        if wiki is not None:
            query = query.where(history.c.wiki == wiki)
        if board is not None:
            query = query.where(history.c.board == board)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [HistoryEntry(
            wiki=r.wiki, board=r.board, thread_key=r.thread_key, heading=r.heading,
            reporter=r.reporter, revid=r.revid, opened=_utc(r.opened), source=r.source,
            closed=_utc(r.closed), closer=r.closer, closer_trusted=bool(r.closer_trusted),
            outcome=r.outcome, evidence=r.evidence,
            targets=tuple(json.loads(r.targets or "[]")), fingerprint=r.fingerprint)
            for r in rows]

    def set_outcome(self, report_id: str, outcome: str, *, source: str,
                    set_by: str | None = None) -> bool:
        """A functionary's outcome for a report; True when it changed anything."""
        now = _naive(datetime.now(timezone.utc))
        with self.engine.begin() as conn:
            old = conn.execute(sa.select(outcome_overrides).where(
                outcome_overrides.c.report_id == report_id)).first()
            if old is not None and old.outcome == outcome:
                return False
            values = dict(outcome=outcome, source=source[:32],
                          set_by=set_by[:255] if set_by else None, updated=now)
            if old is None:
                conn.execute(outcome_overrides.insert().values(report_id=report_id, **values))
            else:
                conn.execute(outcome_overrides.update().where(
                    outcome_overrides.c.report_id == report_id).values(**values))
            self._set_meta(conn, "stale:private", "1")
        return True

    def outcomes_set(self) -> dict[str, tuple[str, str]]:
        """report id -> (outcome, source) for every outcome a functionary set."""
        with self.engine.connect() as conn:
            return {r.report_id: (r.outcome, r.source)
                    for r in conn.execute(sa.select(outcome_overrides))}

    # -- outbox: mail and other one-off deliveries --------------------------------------
    def claim(self, item_key: str, kind: str) -> bool:
        """Record the intent to deliver *item_key*; False if it was delivered before.

        A claimed but undelivered item (the run died between claim and
        :meth:`mark_sent`) is claimable again: deliveries are at least once, which for
        emergency mail is the right side to err on.
        """
        now = _naive(datetime.now(timezone.utc))
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(outbox.c.sent).where(
                outbox.c.item_key == item_key)).first()
            if row is None:
                conn.execute(outbox.insert().values(item_key=item_key, kind=kind, created=now))
                return True
            return row.sent is None

    def mark_sent(self, item_key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(outbox.update().where(outbox.c.item_key == item_key).values(
                sent=_naive(datetime.now(timezone.utc))))

    def sent_items(self, kind: str) -> set[str]:
        with self.engine.connect() as conn:
            return {r.item_key for r in conn.execute(sa.select(outbox.c.item_key).where(
                outbox.c.kind == kind, outbox.c.sent.is_not(None)))}

    # -- flags: which evidence was sent or dismissed ------------------------------------
    def flag_keys(self) -> tuple[set[str], set[tuple[str, str]]]:
        """(keys already sent, (reporter, key) pairs dismissed)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(flag_keys)).all()
        sent = {r.piece_key for r in rows if r.status == "sent"}
        dismissed = {(r.reporter, r.piece_key) for r in rows if r.status == "dismissed"}
        return sent, dismissed

    def add_flag_keys(self, reporter: str, keys: Iterable[str], status: str) -> None:
        now = _naive(datetime.now(timezone.utc))
        with self.engine.begin() as conn:
            for key in keys:
                done = conn.execute(flag_keys.update().where(
                    flag_keys.c.reporter == reporter[:255], flag_keys.c.piece_key == key
                ).values(status=status, updated=now))
                if done.rowcount == 0:
                    conn.execute(flag_keys.insert().values(
                        reporter=reporter[:255], piece_key=key, status=status, updated=now))


_WAL_WAIT_SECONDS = 30.0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets a reader (the demo's summary) run beside a writer; the busy timeout
    # makes a second process wait for a lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    # Switching a new file to WAL needs an exclusive lock, and SQLite reports
    # "locked" at once, without its busy handler, when two first connections race
    # for it; so the switch is retried until the deadline.
    deadline = time.monotonic() + _WAL_WAIT_SECONDS
    pause = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)
    cursor.close()
