"""Keeping the configured support-resource pages in step with the canonical source.

One pass over every configured page: render the part for the page's language and
region, splice it between the page's markers, and save only when it changed, with a
summary naming the entries added, removed or updated.  A page without markers is left
alone with a clear message: the bot never takes over a page people wrote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from bot.config import Config
from bot.messages import summary
from bot.rendering import render
from bot.resources import (MarkerError, Resource, check_links, current_section,
                           describe_changes, load_resources, render_list, select, splice,
                           stale)

log = logging.getLogger("nbh.resources")


@dataclass
class ResourceRun:
    """What one pass did."""

    edits: int = 0
    unchanged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)


def update_pages(config: Config, publisher, *, lang: str | None = None,
                 title: str | None = None,
                 resources: tuple[Resource, ...] | None = None) -> ResourceRun:
    """Bring every selected resource page up to date (invalid sources fail before any edit)."""
    resources = resources if resources is not None else load_resources()
    run = ResourceRun()
    for wiki in config.wikis.values():
        for page in wiki.resource_pages:
            if (lang and page.lang != lang) or (title and page.title != title):
                continue
            where = f"{wiki.name}:{page.title}"
            text = publisher.read(wiki.name, page.title)
            if text is None:
                run.refused.append(f"{where}: the page does not exist; create it with the "
                                   f"markers where the list belongs")
                continue
            section = render_list(select(resources, lang=page.lang, region=page.region),
                                  lang=page.lang, region=page.region)
            try:
                new_text, changed = splice(text, section, page.marker)
            except MarkerError as exc:
                run.refused.append(f"{where}: {exc}")
                log.warning("Skipping page, %s", exc)
                continue
            if not changed:
                run.unchanged.append(where)
                continue
            changes = describe_changes(current_section(text, page.marker), section)
            if publisher.save(wiki.name, page.title, new_text, canonical_source=True,
                              summary=summary("resources-summary", changes=changes.as_text())):
                run.edits += 1
                run.changed.append((where, changes.as_text()))
    return run


def source_resources(config: Config, publisher) -> tuple[Resource, ...]:
    """The canonical source: the repository's file, or the JSON page the configuration
    names (``resources: {source: "wiki:Title"}``), validated before any edit."""
    import json

    from bot.errors import DataError
    from bot.resources import parse_catalogue

    where = config.resources_source
    if not where:
        return load_resources()
    wiki, _, title = where.partition(":")
    text = publisher.read(wiki, title)
    if text is None:
        raise DataError(f"{where}: the resource source page does not exist")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: entry at line {exc.lineno}, field (JSON syntax): "
                        f"{exc.msg}.") from None
    return parse_catalogue(data, where).resources


def maintenance_report(resources: tuple[Resource, ...], *, max_age_days: int,
                       timeout: float = 10.0, today: date | None = None) -> tuple[str, int]:
    """Wikitext of the link and freshness report, and the number of problems in it."""
    results = check_links(resources, timeout=timeout)
    bad = [r for r in results if not r.ok]
    moved = [r for r in results if r.ok and (r.moved_elsewhere or r.downgraded)]
    old = stale(resources, max_age_days=max_age_days, today=today)
    page = render("resources/report.wikitext.j2", bad=bad, moved=moved, old=old,
                  checked=len(results), max_age_days=max_age_days)
    return page, len(bad) + len(moved) + len(old)
