"""The bot's main job, one cycle end to end: watch the boards, store the events,
refresh the public backlog page.  Later stages (triage, reporter flags) hang off the
events this returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.backlog import render_backlog
from bot.config import Board, Config
from bot.errors import WikiError
from bot.events import Event
from bot.functionaries import publish_private
from bot.messages import summary
from bot.publish import Publisher
from bot.store import Store
from bot.watcher import BoardFetcher, watch_wiki

log = logging.getLogger("nbh.cycle")


@dataclass
class CycleReport:
    """What one cycle did (for printing and for tests)."""

    events: list[Event] = field(default_factory=list)
    changed_boards: list[Board] = field(default_factory=list)
    requests: int = 0
    private_requests: int = 0   # looking for functionaries' edits on the private wiki
    edits: int = 0
    mails: int = 0
    failures: list[str] = field(default_factory=list)
    sites: dict = field(default_factory=dict, repr=False)


def run_cycle(config: Config, store: Store, publisher: Publisher | None, *,
              board_names: list[str] | None = None,
              backfill: timedelta | None = None, unreported: bool = False) -> CycleReport:
    """Run one watch cycle over every configured wiki.

    With *unreported*, the report also carries events an earlier run stored but did
    not live to print (the caller marks what it printed with ``store.mark_reported``).
    """
    import pywikibot

    config.apply_to_pywikibot()
    report = CycleReport()
    if unreported:
        # Events a run stored but died before printing come first, in the order found.
        report.events += store.unreported()
    selected = {config.board(n) for n in board_names} if board_names else None
    for wiki in config.wikis.values():
        boards = tuple(b for b in wiki.boards if selected is None or b in selected)
        if not boards:
            continue
        fetcher = BoardFetcher(pywikibot.Site(wiki.code, wiki.family))
        events, changed = watch_wiki(fetcher, wiki, store, boards=boards, backfill=backfill)
        report.events += events
        report.changed_boards += changed
        stale = f"backlog:{wiki.name}"
        if wiki.backlog_page and publisher is not None and (changed or store.stale(stale)):
            texts = fetcher.texts([b.title for b in wiki.boards])
            page, open_count = render_backlog(list(wiki.boards), texts)
            try:
                report.edits += publisher.save(
                    wiki.name, wiki.backlog_page, page,
                    summary=summary("backlog-summary", open=open_count, boards=len(texts)))
                if not publisher.simulating:
                    store.mark_fresh(stale)
            except WikiError as exc:
                log.warning("Backlog page not saved: %s", exc)
                report.failures.append(str(exc))
        report.requests += fetcher.requests
        report.sites[wiki.name] = fetcher.site
    if publisher is not None and config.private is not None:
        # A functionary's edit to the pages the bot reads decisions from (outcome
        # corrections, flag decisions) takes effect in this cycle, even when no board
        # changed.
        latest = _private_input_revisions(config, publisher, report)
        edited = latest is not None and latest != store.seen_revisions("private-inputs")
        if edited or store.stale("private"):
            done = publish_private(config, store, publisher,
                                   url_of=lambda e: report_url(report.sites, config, e),
                                   trusted=trusted_lookup(config, report.sites))
            report.edits += done.edits
            report.mails += done.mails
            report.failures += done.failures
            if not publisher.simulating and not done.failures:
                store.mark_fresh("private")
                # Our own saves moved the pages on: what counts as read is after them.
                if done.edits or latest is None:
                    latest = _private_input_revisions(config, publisher, report)
                if latest is not None:
                    store.set_seen_revisions("private-inputs", latest)
    return report


def _private_input_revisions(config: Config, publisher: Publisher,
                             report: CycleReport) -> dict[str, int] | None:
    """The latest revisions of the private pages the bot reads decisions from, in one
    request to the private wiki; {} when none is configured, None when the look failed
    (it is made again next cycle, so nothing is lost)."""
    private = config.private
    titles = [t for t in (private.outcomes_page, private.flags_page) if t]
    if not titles:
        return {}
    import pywikibot

    try:
        latest = publisher.latest_revisions(private.wiki, titles)
    except (pywikibot.exceptions.Error, OSError) as exc:
        log.warning("Could not look at the private input pages: %s", exc)
        return None
    report.private_requests += 1
    return latest


def report_url(sites: dict, config: Config, event: Event) -> str | None:
    """A full link to the report's thread (private pages live on another wiki)."""
    from urllib.parse import quote

    site = sites.get(event.wiki)
    if site is None:
        return None
    anchor = event.heading.replace(" ", "_")
    title = quote(event.board.replace(" ", "_"), safe="/:'")
    # Pywikibot 11 gives the article path with "{}"; older versions with "$1".
    path = site.articlepath.replace("{}", title).replace("$1", title)
    return f"{site.protocol()}://{site.hostname()}{path}#{quote(anchor, safe='')}"


def trusted_lookup(config: Config, sites: dict):
    """Whether a closer is in a trusted group (sysop, or configured), per wiki; cached."""
    cache: dict[tuple[str, str], bool] = {}

    def trusted(wiki: str, user: str) -> bool:
        key = (wiki, user)
        if key not in cache:
            site = sites.get(wiki)
            groups: set[str] = set()
            if site is not None:
                from pywikibot.data import api

                reply = api.Request(site=site, parameters={
                    "action": "query", "list": "users", "ususers": user,
                    "usprop": "groups", "formatversion": 2}).submit()
                for entry in reply["query"]["users"]:
                    groups |= set(entry.get("groups", []))
            cache[key] = bool(groups & set(config.trusted_groups))
        return cache[key]

    return trusted
