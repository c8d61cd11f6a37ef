"""What the bot tells functionaries, privately: the triage queue, the urgent list,
notes on repeat reporters, and emergency mail.

Every page here is rendered afresh from the store and saved only when it changed, so
a run that died half-way is repaired by the next one.  Mail goes through the store's
outbox, one item per mail and recipient (claim, send, mark sent): at least once, never
silently lost, and sent again only when a run dies, or loses the wiki's reply, after
the wiki accepted the mail and before it was marked (see :func:`deliver`).  Nothing
here may be written to a public page; :class:`bot.publish.Publisher` refuses that, and
:func:`publish_private` only ever asks for private writes.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from bot.config import Config
from bot.errors import WikiError
from bot.events import Event
from bot.messages import summary
from bot.rendering import render
from bot.history import HistoryEntry, report_id
from bot.reporters import (OUTCOMES, ReportRecord, find_repeat_reporters, render_flag,
                           reporter_id, should_notify)
from bot.store import Store
from bot.categories import category_route

log = logging.getLogger("nbh.functionaries")

CLOSING = ("thread-closed",)
ENDING = ("thread-archived", "thread-removed")


@dataclass
class ReportRow:
    """One report as functionaries see it on the private queue."""

    opened: Event
    closed: Event | None = None
    ended: Event | None = None
    url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.opened.wiki}|{self.opened.board}|{self.opened.thread_key}"

    @property
    def id(self) -> str:
        """The short id functionaries use to set the report's outcome."""
        return report_id(self.key)

    @property
    def open(self) -> bool:
        return self.closed is None and self.ended is None

    @property
    def suggestions(self) -> list[dict]:
        return [{"category": c, "score": s, "route": category_route(c)}
                for c, s in self.opened.categories if s >= 0.5]


def report_rows(events: Iterable[Event], *, since: datetime | None = None) -> list[ReportRow]:
    """Reports (thread-opened events) joined with how they ended, oldest first."""
    rows: dict[tuple[str, str, str], ReportRow] = {}
    for event in events:
        key = (event.wiki, event.board, event.thread_key)
        if event.kind == "thread-opened":
            if since is None or event.rev_time >= since:
                rows.setdefault(key, ReportRow(event))
        elif key in rows:
            row = rows[key]
            if event.kind in CLOSING:
                row.closed = event
            elif event.kind == "thread-reopened":
                row.closed = None
            elif event.kind in ENDING:
                row.ended = event
    return list(rows.values())


def report_records(rows: Iterable[ReportRow], trusted: Callable[[str, str], bool]) -> list[ReportRecord]:
    """Reporter-history records for :func:`bot.reporters.find_repeat_reporters`."""
    records = []
    for row in rows:
        event = row.opened
        if not event.user or event.uncertain:
            continue  # a hidden or uncertain author is nobody's history
        closed = row.closed
        records.append(ReportRecord(
            wiki=event.wiki, board=event.board, thread_key=event.thread_key,
            reporter=event.user, targets=event.targets, opened=event.rev_time,
            closed=closed.rev_time if closed else None,
            outcome=closed.outcome if closed else None,
            complaint_hash=event.fingerprint,
            closer=closed.user if closed else None,
            closer_trusted=bool(closed and closed.user and trusted(event.wiki, closed.user)),
            link=row.url))
    return records


def with_history(records: list[ReportRecord], history: Iterable[HistoryEntry]) -> list[ReportRecord]:
    """*records* and the backfilled reports the watcher has not seen itself."""
    seen = {r.key for r in records}
    extra = [record for entry in history if entry.key not in seen
             for record in [entry.record()] if record is not None]
    return records + extra


def with_outcomes_set(records: list[ReportRecord],
                      outcomes: dict[str, tuple[str, str]]) -> list[ReportRecord]:
    """*records* with the outcomes functionaries set or corrected (these count: a
    functionary made the call)."""
    out = []
    for record in records:
        found = outcomes.get(report_id(record.key))
        if found is not None:
            record = replace(record, outcome=found[0], closer_trusted=True,
                             closer=record.closer or "functionary")
        out.append(record)
    return out


_OUTCOME_RE = re.compile(
    r"\{\{\s*Noticeboard helper outcome\s*\|\s*report\s*=\s*([0-9a-f]{10})\s*"
    r"\|\s*outcome\s*=\s*([\w-]+)\s*\}\}", re.IGNORECASE)


def read_outcomes(text: str | None) -> list[tuple[str, str]]:
    """(report id, outcome) of every outcome line a functionary wrote; unknown
    outcome words are left out (the page says so next time it is read)."""
    return [(m.group(1).lower(), m.group(2).lower()) for m in _OUTCOME_RE.finditer(text or "")
            if m.group(2).lower() in OUTCOMES]


_DECISION_RE = re.compile(
    r"\{\{\s*Noticeboard helper flag\s*\|\s*reporter\s*=([^|{}]*)\|\s*evidence\s*=\s*([\w-]+)\s*"
    r"\|\s*status\s*=\s*(\w+)\s*\}\}")


def read_decisions(text: str | None) -> list[tuple[str, str, str]]:
    """(reporter, evidence key, status) of every flag line a functionary set."""
    found = []
    for match in _DECISION_RE.finditer(text or ""):
        status = match.group(3).lower()
        if status in ("dismissed", "confirmed"):
            found.append((html.unescape(match.group(1)).strip(), match.group(2), status))
    return found


def outbox_item(kind: str, mail_key: str, recipient: str) -> str:
    """The outbox key of one mail to one recipient (hashed: fits the 64-character
    column whatever the names)."""
    digest = hashlib.sha1(f"{mail_key}|{recipient}".encode()).hexdigest()
    return f"{kind}-mail:{digest}"


@dataclass
class PrivateReport:
    """What :func:`publish_private` did."""

    edits: int = 0
    mails: int = 0
    flags: int = 0
    failures: list[str] = field(default_factory=list)

    def save(self, publisher, wiki: str, title: str, text: str, summary_text: str) -> None:
        """Save one private page; a failure is noted and the page redone next cycle,
        without holding up the mail and the other pages."""
        try:
            self.edits += publisher.save(wiki, title, text, summary=summary_text, private=True)
        except WikiError as exc:
            log.warning("Private page not saved: %s", exc)
            self.failures.append(str(exc))


def publish_private(config: Config, store: Store, publisher, *,
                    url_of: Callable[[Event], str | None],
                    trusted: Callable[[str, str], bool],
                    now: datetime | None = None) -> PrivateReport:
    """Refresh the private pages from the store and send what is due."""
    done = PrivateReport()
    private = config.private
    if private is None:
        return done
    now = now or datetime.now(timezone.utc)
    events = store.events()
    since = now - timedelta(days=config.retention_days)
    rows = report_rows(events, since=since)
    for row in rows:
        row.url = url_of(row.opened)

    wiki = private.wiki
    if private.triage_queue:
        page = render("private/queue.wikitext.j2", rows=[r for r in rows if r.open],
                      closed=[r for r in rows if not r.open][-50:],
                      outcomes_page=private.outcomes_page)
        done.save(publisher, wiki, private.triage_queue, page, summary("queue-summary"))
    urgent = [r for r in rows if r.opened.emergency]
    if private.urgent_page:
        page = render("private/urgent.wikitext.j2", rows=urgent)
        done.save(publisher, wiki, private.urgent_page, page, summary("urgent-summary"))
    # Stores written before mail had one outbox item per recipient hold one item per
    # report, marked sent once every recipient had it.
    mailed_before = store.sent_items("emergency-mail")
    for row in urgent:
        if not row.open or not private.emergency_recipients:
            continue
        if f"emergency:{row.opened.key}" in mailed_before:
            continue
        deliver(store, publisher, done, wiki, private.emergency_recipients,
                kind="emergency", mail_key=row.opened.key,
                subject="Noticeboard helper: a report may need the emergency path",
                text=render("mail/emergency.txt.j2", row=row))

    if private.outcomes_page:
        for rid, outcome in read_outcomes(publisher.read(wiki, private.outcomes_page)):
            store.set_outcome(rid, outcome, source="wiki")
    history = [h for h in store.history() if h.opened >= since]
    records = with_outcomes_set(with_history(report_records(rows, trusted), history),
                                store.outcomes_set())
    flags = find_repeat_reporters(records, now=now)
    confirmed: set[str] = set()
    if private.flags_page:
        # A functionary's decision on the page is read back before the page is redrawn.
        for reporter, key, status in read_decisions(publisher.read(wiki, private.flags_page)):
            for flag in flags:
                if flag.evidence_key == key and reporter_id(flag.reporter) == reporter_id(reporter):
                    store.add_flag_keys(flag.reporter, flag.notification_keys,
                                        "dismissed" if status == "dismissed" else "sent")
                    if status == "confirmed":
                        confirmed.add(key)
    sent, dismissed = store.flag_keys()
    quiet = {(reporter_id(r), k) for r, k in dismissed}
    if private.flags_page:
        sections = []
        for flag in flags:
            if (reporter_id(flag.reporter), flag.evidence_key) in quiet:
                continue  # dismissed, and nothing new since
            text = render_flag(flag, known_keys=sent | {k for _, k in dismissed})
            if flag.evidence_key in confirmed:
                text = text.replace("|status=open}}", "|status=confirmed}}", 1)
            sections.append(text)
        page = render("private/flags.wikitext.j2", sections=sections)
        done.save(publisher, wiki, private.flags_page, page, summary("flags-summary"))
    for flag in flags:
        if not should_notify(flag, sent, dismissed):
            continue
        done.flags += 1
        delivered = deliver(
            store, publisher, done, wiki, private.flag_recipients, kind="flag",
            mail_key=f"{reporter_id(flag.reporter)}|{flag.evidence_key}",
            subject="Noticeboard helper: a reporter's history to look at",
            text=render("mail/flag.txt.j2", flag=flag, page=private.flags_page))
        if delivered and not publisher.simulating:
            store.add_flag_keys(flag.reporter, flag.notification_keys, "sent")
    return done


def deliver(store: Store, publisher, done: PrivateReport, wiki: str,
            recipients: Iterable[str], *, kind: str, mail_key: str, subject: str,
            text: str) -> bool:
    """Mail *text* to every recipient who does not have it yet; True when all have it.

    Each mail to each recipient is one outbox item: claimed, sent through the wiki,
    then marked sent.  A failed send is noted in *done* and retried next cycle for that
    recipient only, never again for those who got it.  The guarantee is at least once:
    EmailUser cannot be asked whether it sent a mail, so a mail the wiki accepted but
    whose reply was lost (the request layer retries it), or whose run died before it was
    marked, is sent once more.  Nothing else sends a mail twice.
    """
    complete = True
    for user in recipients:
        item = outbox_item(kind, mail_key, user)
        if not store.claim(item, f"{kind}-mail"):
            continue  # this recipient has it
        try:
            publisher.mail(wiki, user, subject, text)
        except WikiError as exc:  # claimed but not sent: tried again next cycle
            log.warning("Mail not sent: %s", exc)
            done.failures.append(str(exc))
            complete = False
            continue
        done.mails += 1
        if not publisher.simulating:
            store.mark_sent(item)
    return complete
