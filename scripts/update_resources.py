#!/usr/bin/env python3
"""Keep the support-resource list pages in step with the canonical source.

Renders each configured resource page's part (by language and region) from the
validated source (the repository's file, or a protected JSON page on a wiki named by
``resources: {source: "wiki:Title"}`` in the configuration) and saves it between the
page's markers when it changed; text
outside the markers is never touched, and a page without markers is left alone with
a clear message.  The source is validated before any edit.

Usage::

    pwb update_resources [-lang:xx] [-page:TITLE] [-simulate] [-check-links]

Options:

-lang:xx          Only pages in this language.
-page:TITLE       Only this page.
-check-links      Also check every link of the source (bounded concurrency, timeouts,
                  redirects followed) and list dead or moved links and entries not
                  verified recently, on the configured report page (or on screen).
-deployment:PATH  The deployment configuration (default: $NBH_CONFIG, else the demo
                  configuration for the local wikis).
-always           Save without asking (the default for this bot).

With -simulate the diff is shown and nothing is saved.
"""

from __future__ import annotations

import pywikibot

from bot.scripting import NoticeboardBot, parse_options, run_script


class ResourceBot(NoticeboardBot):
    """Saves through Pywikibot's userPut (diff, -simulate, throttle, {{bots}})."""

    update_options = {"always": True}


def main(*args: str) -> int:
    """Parse options and update the pages."""
    options = parse_options(args, values=("page",), flags=("check-links", "always"),
                            language=True)
    if options is None:
        return 2
    language = options["lang"]

    def work() -> int:
        from bot.config import load_config
        from bot.messages import summary
        from bot.publish import Publisher
        from bot.resource_pages import maintenance_report, source_resources, update_pages

        config = load_config(options.get("deployment"))
        publisher = Publisher(config, ResourceBot(always=True))
        resources = source_resources(config, publisher)  # invalid: stops before any edit
        run = update_pages(config, publisher, lang=language, title=options.get("page"),
                           resources=resources)
        for where, what in run.changed:
            pywikibot.stdout(f"updated {where}: {what}")
        for where in run.unchanged:
            pywikibot.stdout(f"unchanged {where}")
        for problem in run.refused:
            pywikibot.warning(f"left alone: {problem}")
        if "check-links" in options:
            page, problems = maintenance_report(resources,
                                                max_age_days=config.resources_max_age_days)
            target = config.resources_report_page
            if target and ":" in target and target.split(":", 1)[0] in config.wikis:
                wiki, title = target.split(":", 1)
                publisher.save(wiki, title, page, canonical_source=True,
                               summary=summary("resources-report-summary", problems=problems))
            else:
                pywikibot.stdout(page)
            pywikibot.stdout(f"link check: {problems} problem(s)")
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
