"""The incremental watch cycle: which board revisions are new, and what they did.

Cost model (the wikis pay for every request):

* one batched query asks for the latest revision id of every board on a wiki
  (up to the API's title limit per request), so an idle cycle is one request;
* only a changed board costs more: its revisions since the last processed one,
  with content, in pages of 50, the last processed revision included as the
  baseline to diff against.

What a revision did is worked out at thread level by :func:`diff_threads`; the
account that saved the revision is attached to each change (for a new thread, that
account is the reporter, whatever the signature in the text says).  Each board's
events and its new position are stored in one transaction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from bot.blocks import Block, outcome_from_blocks
from bot.blocks import window as block_window
from bot.changes import Change, diff_threads, threads_of
from bot.config import Board, Wiki
from bot.events import Event
from bot.history import BoardRevision
from bot.reports import analyse_report, closure_outcome
from bot.store import Store

__all__ = ["Change", "diff_threads", "Revision", "BoardFetcher", "watch_wiki",
           "events_for_revisions"]

log = logging.getLogger("nbh.watcher")

TITLES_PER_REQUEST = 50     # the API's limit for normal accounts
REVISIONS_PER_REQUEST = 50  # the API's limit when content is asked for
_REDIRECT_RE = re.compile(r"^\s*#\s*redirect\s*\[\[", re.IGNORECASE)
_SUMMARY_LINK_RE = re.compile(r"\[\[([^\[\]|#]+)")


@dataclass(frozen=True)
class Revision:
    """One revision of a board; hidden parts are None (revision deletion)."""

    revid: int
    timestamp: datetime
    user: str | None
    comment: str | None
    text: str | None


def _parse_time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


class BoardFetcher:
    """Reads boards through Pywikibot's request layer (maxlag, throttle, retries)."""

    def __init__(self, site) -> None:
        self.site = site
        self.requests = 0

    def _query(self, **params) -> dict:
        from pywikibot.data import api

        params.setdefault("action", "query")
        params["formatversion"] = 2
        self.requests += 1
        return api.Request(site=self.site, parameters=params).submit()

    def latest(self, titles: list[str]) -> dict[str, tuple[int, datetime] | None]:
        """The latest revision id and time of each title (None: page missing)."""
        found: dict[str, tuple[int, datetime] | None] = {}
        for start in range(0, len(titles), TITLES_PER_REQUEST):
            chunk = titles[start:start + TITLES_PER_REQUEST]
            data = self._query(prop="revisions", rvprop="ids|timestamp",
                               titles="|".join(chunk))["query"]
            names = {t: t for t in chunk}
            for entry in data.get("normalized", []):
                names[entry["to"]] = entry["from"]
            for page in data.get("pages", []):
                original = names.get(page["title"], page["title"])
                if page.get("missing") or page.get("invalid") or not page.get("revisions"):
                    found[original] = None
                else:
                    rev = page["revisions"][0]
                    found[original] = (rev["revid"], _parse_time(rev["timestamp"]))
        return found

    def revisions(self, title: str, *, start_id: int | None = None,
                  start_time: datetime | None = None) -> Iterator[Revision]:
        """Revisions from *start_id* (inclusive) or *start_time* on, oldest first."""
        params = {"prop": "revisions", "titles": title, "rvdir": "newer",
                  "rvprop": "ids|timestamp|user|comment|content", "rvslots": "main",
                  "rvlimit": REVISIONS_PER_REQUEST}
        if start_id is not None:
            params["rvstartid"] = start_id
        elif start_time is not None:
            params["rvstart"] = start_time.strftime("%Y-%m-%dT%H:%M:%SZ")
        while True:
            data = self._query(**params)
            for page in data["query"].get("pages", []):
                for rev in page.get("revisions", []):
                    slot = rev.get("slots", {}).get("main", {})
                    yield Revision(
                        revid=rev["revid"], timestamp=_parse_time(rev["timestamp"]),
                        user=None if rev.get("userhidden") else rev.get("user"),
                        comment=None if rev.get("commenthidden") else rev.get("comment"),
                        text=None if slot.get("texthidden") or "content" not in slot
                        else slot["content"])
            if "continue" not in data:
                return
            params.update(data["continue"])

    def revision_before(self, title: str, when: datetime) -> Revision | None:
        """The last revision saved before *when* (the baseline of a backfill)."""
        data = self._query(prop="revisions", titles=title, rvdir="older", rvlimit=1,
                           rvprop="ids|timestamp|user|comment|content", rvslots="main",
                           rvstart=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        for page in data["query"].get("pages", []):
            for rev in page.get("revisions", []):
                slot = rev.get("slots", {}).get("main", {})
                return Revision(rev["revid"], _parse_time(rev["timestamp"]),
                                rev.get("user"), rev.get("comment"), slot.get("content"))
        return None

    def hidden(self, revids: list[int]) -> set[int]:
        """Which of *revids* are now revision-deleted, suppressed or gone, batched."""
        found: set[int] = set()
        for start in range(0, len(revids), TITLES_PER_REQUEST):
            chunk = revids[start:start + TITLES_PER_REQUEST]
            # The text's sha1 is hidden exactly when the text is; asking for it costs
            # nothing like asking for the content.
            data = self._query(prop="revisions", revids="|".join(map(str, chunk)),
                               rvprop="ids|sha1")
            seen = set()
            for page in data["query"].get("pages", []):
                for rev in page.get("revisions", []):
                    seen.add(rev["revid"])
                    if rev.get("sha1hidden") or rev.get("texthidden") or rev.get("suppressed"):
                        found.add(rev["revid"])
            # Revisions of deleted pages come back as "badrevids" (or not at all).
            found |= set(chunk) - seen
        return found

    def contents(self, titles: list[str], *, per_request: int = TITLES_PER_REQUEST
                 ) -> dict[str, tuple[int, datetime, str]]:
        """Latest revision id, time and wikitext of several pages, batched.

        Large pages may not all fit in one answer; the API then says where to go on.
        """
        found: dict[str, tuple[int, datetime, str]] = {}
        for start in range(0, len(titles), per_request):
            chunk = titles[start:start + per_request]
            params = dict(prop="revisions", rvprop="ids|timestamp|content", rvslots="main",
                          titles="|".join(chunk))
            while True:
                data = self._query(**params)
                query = data.get("query", {})
                names = {t: t for t in chunk}
                for entry in query.get("normalized", []):
                    names[entry["to"]] = entry["from"]
                for page in query.get("pages", []):
                    revs = page.get("revisions") or []
                    slot = revs[0].get("slots", {}).get("main", {}) if revs else {}
                    if "content" in slot:
                        found[names.get(page["title"], page["title"])] = (
                            revs[0]["revid"], _parse_time(revs[0]["timestamp"]), slot["content"])
                if "continue" not in data:
                    break
                params.update(data["continue"])
        return found

    def texts(self, titles: list[str]) -> dict[str, str]:
        """Current wikitext of several pages, batched."""
        return {title: text for title, (_, _, text) in self.contents(titles).items()}

    def subpages(self, prefix: str) -> dict[str, tuple[int, datetime]]:
        """Pages whose title starts with *prefix*, with their latest revision id and time."""
        import pywikibot

        base = pywikibot.Page(self.site, prefix)
        namespace = base.namespace()
        # Strip only the namespace: the prefix may end in a partial word ("/Archiv").
        bare = prefix.split(":", 1)[1] if namespace.id and ":" in prefix else prefix
        params = dict(generator="allpages", gapprefix=bare.replace("_", " ").strip(),
                      gapnamespace=namespace.id, gaplimit=TITLES_PER_REQUEST,
                      prop="revisions", rvprop="ids|timestamp")
        found: dict[str, tuple[int, datetime]] = {}
        while True:
            data = self._query(**params)
            for page in data.get("query", {}).get("pages", []):
                revs = page.get("revisions") or []
                if revs:
                    found[page["title"]] = (revs[0]["revid"], _parse_time(revs[0]["timestamp"]))
            if "continue" not in data:
                return found
            params.update(data["continue"])

    def history(self, title: str, start: datetime, end: datetime) -> list[BoardRevision]:
        """A page's revisions saved between *start* and *end*: ids, users, summaries."""
        params = dict(prop="revisions", titles=title, rvdir="newer", rvlimit="max",
                      rvprop="ids|timestamp|user|comment",
                      rvstart=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                      rvend=end.strftime("%Y-%m-%dT%H:%M:%SZ"))
        found: list[BoardRevision] = []
        while True:
            data = self._query(**params)
            for page in data["query"].get("pages", []):
                for rev in page.get("revisions", []):
                    found.append(BoardRevision(
                        revid=rev["revid"], timestamp=_parse_time(rev["timestamp"]),
                        user=None if rev.get("userhidden") else rev.get("user"),
                        comment=None if rev.get("commenthidden") else rev.get("comment")))
            if "continue" not in data:
                return found
            params.update(data["continue"])

    def blocks(self, start: datetime, end: datetime, *, users: list[str] | None = None
               ) -> list[Block]:
        """Block-log entries between *start* and *end* (of *users* only, when given:
        one request each, cheaper than the whole log for a handful of users)."""
        base = dict(list="logevents", letype="block", ledir="newer", lelimit="max",
                    leprop="ids|title|user|timestamp|type",
                    lestart=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    leend=end.strftime("%Y-%m-%dT%H:%M:%SZ"))
        found: list[Block] = []
        for user in users if users is not None else [None]:
            params = dict(base, **({"letitle": f"User:{user}"} if user else {}))
            while True:
                data = self._query(**params)
                for entry in data["query"].get("logevents", []):
                    title = entry.get("title", "")
                    if entry.get("actionhidden") or ":" not in title:
                        continue
                    found.append(Block(
                        logid=entry["logid"], user=title.split(":", 1)[1],
                        performer=None if entry.get("userhidden") else entry.get("user"),
                        timestamp=_parse_time(entry["timestamp"]),
                        action=entry.get("action", "block")))
                if "continue" not in data:
                    break
                params.update(data["continue"])
        return found

    def message(self, name: str) -> str | None:
        """An interface message in the wiki's content language."""
        data = self._query(meta="allmessages", ammessages=name, amincludelocal=1,
                           amlang=self.site.lang)
        for entry in data["query"].get("allmessages", []):
            if not entry.get("missing"):
                return entry.get("content")
        return None


def _archive_target(summary: str | None) -> str | None:
    """The archive page an archiving edit summary links, if any."""
    for target in _SUMMARY_LINK_RE.findall(summary or ""):
        if "archiv" in target.lower():
            return target.strip()
    return None


def _report_labels(board: Board, rev: Revision, change: Change) -> dict:
    """Triage labels, targets and fingerprint of a report, from the revision opening it."""
    thread = next((t for t in threads_of(rev.text, board.preset, board.layout)
                   if t.key == change.thread_key), None)
    if thread is None:
        return {}
    facts = analyse_report(rev.text, thread, preset=board.preset, reporter=rev.user)
    return {"categories": facts.categories, "emergency": facts.emergency,
            "targets": facts.targets, "fingerprint": facts.fingerprint}


def events_for_revisions(board: Board, baseline: Revision,
                         revisions: list[Revision]) -> list[Event]:
    """Events for *revisions*, each diffed against the last visible text before it.

    A revision whose text is hidden cannot be read: its changes show up in the next
    visible revision and are marked ``uncertain`` (they may be someone else's).
    """
    found: list[Event] = []
    previous = baseline.text or ""
    uncertain = baseline.text is None
    for rev in revisions:
        if rev.text is None:
            uncertain = True
            continue
        if _REDIRECT_RE.match(rev.text):
            # The board was moved or redirected: that is not every thread closing.
            log.warning("Skipping revision, board became a redirect: [[%s]] r%d",
                        board.title, rev.revid)
            continue
        for change in diff_threads(previous, rev.text, board.preset, board.layout):
            kind = change.kind
            archive = None
            derived: dict = {}
            if kind == "thread-removed":
                archive = _archive_target(rev.comment)
                kind = "thread-archived" if archive else kind
            elif kind == "thread-opened":
                derived = _report_labels(board, rev, change)
            elif kind == "thread-closed":
                derived = {"outcome": closure_outcome(change.result, preset=board.preset)}
            found.append(Event(
                wiki=board.wiki, board=board.title, kind=kind, revid=rev.revid,
                rev_time=rev.timestamp, user=rev.user, thread_key=change.thread_key,
                heading=change.heading, author=change.author,
                comment_time=change.timestamp, archive=archive, uncertain=uncertain,
                **derived))
        previous = rev.text
        uncertain = False
    return found


def with_block_outcomes(fetcher: BoardFetcher, store: Store, board: Board,
                        found: list[Event]) -> list[Event]:
    """Closures whose text says nothing usable, given an outcome by the block log
    (the reporter or a user the report named blocked since the report)."""
    pending = [e for e in found if e.kind == "thread-closed" and e.outcome in (None, "unknown")]
    if not pending:
        return found
    opened = {e.thread_key: e for e in store.events(
        wiki=board.wiki, board=board.title, kind="thread-opened",
        thread_keys=[e.thread_key for e in pending])}
    opened.update({e.thread_key: e for e in found if e.kind == "thread-opened"})
    result = []
    for event in found:
        report = opened.get(event.thread_key) if event in pending else None
        if report is not None and report.user and not report.uncertain:
            start, end = block_window(report.rev_time, event.rev_time)
            # The window's end may lie in the future (the grace after the closure); the
            # API takes it as it is, and the request stays the same from run to run.
            blocks = fetcher.blocks(start, end, users=[report.user, *report.targets])
            decided = outcome_from_blocks(blocks, reporter=report.user, targets=report.targets,
                                          opened=report.rev_time, closed=event.rev_time)
            if decided is not None:
                event = replace(event, outcome=decided[0])
        result.append(event)
    return result


def watch_wiki(fetcher: BoardFetcher, wiki: Wiki, store: Store, *,
               boards: tuple[Board, ...] | None = None,
               backfill: timedelta | None = None) -> tuple[list[Event], list[Board]]:
    """Run one cycle over *wiki*'s boards; return new events and the changed boards."""
    boards = boards if boards is not None else wiki.boards
    latest = fetcher.latest([b.title for b in boards])
    new_events: list[Event] = []
    changed: list[Board] = []
    for board in boards:
        head = latest.get(board.title)
        if head is None:
            log.warning("Skipping board, page missing or deleted: [[%s]]", board.title)
            continue
        state = store.board_state(board.wiki, board.title)
        if state is not None and state.last_revid == head[0]:
            continue
        if state is None and backfill is None:
            # First sight of a board: start at its current revision.
            store.record_board(board.wiki, board.title, revid=head[0], rev_time=head[1])
            log.info("Starting board at r%d: [[%s]]", head[0], board.title)
            changed.append(board)
            continue
        if state is None:
            base = fetcher.revision_before(board.title, head[1] - backfill) or Revision(
                0, head[1] - backfill, None, None, "")
            revisions = list(fetcher.revisions(board.title, start_time=base.timestamp))
        else:
            revisions = list(fetcher.revisions(board.title, start_id=state.last_revid))
            if revisions and revisions[0].revid == state.last_revid:
                base, revisions = revisions[0], revisions[1:]
            else:
                # The last processed revision is gone (deleted page, suppressed):
                # carry on from its time with what can still be read.
                base = Revision(state.last_revid, state.last_time, None, None, None)
                revisions = [r for r in fetcher.revisions(
                    board.title, start_time=state.last_time) if r.revid > state.last_revid]
        revisions = [r for r in revisions if r.revid > base.revid]
        if not revisions:
            continue
        found = with_block_outcomes(fetcher, store, board,
                                    events_for_revisions(board, base, revisions))
        last = revisions[-1]
        new_events += store.record_board(board.wiki, board.title, revid=last.revid,
                                         rev_time=last.timestamp, found=found)
        changed.append(board)
    return new_events, changed
