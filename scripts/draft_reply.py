#!/usr/bin/env python3
"""Draft a reply to a reporter or to the subject of a report, and check it.

Prints a draft for the chosen outcome, with support resources from the canonical
list (by language and region) and the emergency route, then the checker's verdict on
it.  It sends nothing.  With -post the draft is saved to the drafts page on the
private wiki, for a functionary to adapt and send.

Usage::

    pwb draft_reply -outcome:OUTCOME [-to:USER] [-lang:xx] [-region:CC] [-case:ID] [-post]

Options:

-outcome:OUTCOME  non-actionable, actionable, mistaken-report,
                  malicious-report-subject (to the person wrongly reported) or
                  referred (passed to Trust & Safety).
-to:USER          The person the reply is for (their name in the greeting).
-audience:WHO     reporter (default) or subject.
-lang:xx          Language of the draft (default en; de is also available).
-region:CC        Country code for regional resources (e.g. US, GB, DE).
-case:ID          A case or thread reference to mention.
-post             Save the draft to the private drafts page (never a public page).
-deployment:PATH  The deployment configuration (for -post).
"""

from __future__ import annotations

import pywikibot

from bot.scripting import parse_options, run_script


def main(*args: str) -> int:
    """Parse options, print the draft and its check."""
    options = parse_options(args, values=("outcome", "to", "audience", "region", "case"),
                            flags=("post",), language=True, one_of=("outcome",))
    if options is None:
        return 2
    language = options["lang"]

    def work() -> int:
        from bot.drafts import draft_reply, resources_for_reply
        from bot.replies import check, resolve

        lang = language or "en"
        outcome = options["outcome"]
        # -to: names whoever the draft is for, the subject for malicious-report-subject.
        audience = resolve(outcome, options.get("audience"))[1]
        details = {"case": options["case"]} if "case" in options else None
        to = options.get("to")
        text = draft_reply(
            outcome=outcome, audience=audience, lang=lang,
            reporter=to if audience == "reporter" else None,
            subject=to if audience == "subject" else None,
            resources=resources_for_reply(lang, options.get("region")), details=details)
        pywikibot.stdout(text)
        findings = check(text, lang=lang, outcome=outcome, audience=audience,
                         names=[to] if to else [])
        for f in findings:
            pywikibot.stdout(f"[{f.severity}] {f.code}: {f.message}")
        pywikibot.stdout("check: " + ("passes" if not any(
            f.severity in ("error", "warning") for f in findings) else "needs changes"))
        if "post" in options:
            from bot.config import load_config
            from bot.errors import ConfigError
            from bot.messages import summary
            from bot.publish import Publisher
            from bot.scripting import NoticeboardBot
            from bot.wikitext import escape

            config = load_config(options.get("deployment"))
            if not config.private or not config.private.drafts_page:
                raise ConfigError(f"{config.path}: private.drafts_page is not configured")
            publisher = Publisher(config, NoticeboardBot(always=True))
            page = publisher.read(config.private.wiki, config.private.drafts_page) or ""
            case = f" ({escape(options['case'], max_length=80)})" if "case" in options else ""
            heading = f"== Draft: {outcome}{case}"
            publisher.save(config.private.wiki, config.private.drafts_page,
                           page.rstrip() + f"\n\n{heading} ==\n{text}\n",
                           summary=summary("drafts-summary"), private=True)
        return 0

    return run_script(work)


if __name__ == "__main__":
    raise SystemExit(main())
