"""Everything that writes to a wiki, with the safety checks in one place.

Every page the bot saves goes through :class:`Publisher.save`, which

* refuses private material on a public wiki (page text and edit summary alike:
  :func:`bot.privacy.public_text_problems`);
* refuses "private" writes to a wiki that anonymous readers can read;
* reads the wiki's run page and stops (:class:`StopRequested`) unless it says run;
* saves through the Pywikibot bot's ``userPut``, which honours ``-simulate``,
  ``-always``, the throttle, maxlag and ``{{bots}}``/``{{nobots}}``, and saves
  nothing when the text is unchanged.

Mail (EmailUser) goes through :meth:`Publisher.email` with the same privacy rules
for recipients: only configured functionaries.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import requests

from bot import privacy
from bot.config import Config, Wiki
from bot.errors import PrivacyError, StopRequested, WikiError

log = logging.getLogger("nbh.publish")

ENABLING_VALUES = frozenset({"yes", "run", "true", "on", "enabled", "ja"})
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


def run_page_allows(text: str | None) -> bool:
    """Whether a run page's text lets the bot run (anything unclear means stop)."""
    if text is None:
        return False
    value = _COMMENT_RE.sub("", text).strip().casefold()
    return value in ENABLING_VALUES


def anonymous_read_answer(api_url: str, timeout: float = 10.0) -> bool | None:
    """True when the wiki at *api_url* refuses anonymous API reads, False when it
    answers one, None when its reply answers nothing (a server error page, a broken
    reply, another API error).  Network failures raise ``requests`` exceptions."""
    reply = requests.get(api_url, params={"action": "query", "meta": "siteinfo",
                                          "format": "json"}, timeout=timeout,
                         headers={"User-Agent": "noticeboard-helper privacy check"})
    try:
        data = reply.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if data.get("error", {}).get("code") == "readapidenied":
        return True
    return False if "query" in data else None


def anonymous_read_refused(api_url: str, timeout: float = 10.0) -> bool:
    """True when the wiki at *api_url* refuses anonymous API reads (a reply that
    answers nothing counts as not refused)."""
    return anonymous_read_answer(api_url, timeout) is True


@dataclass
class Publisher:
    """The one gate for wiki writes of one run."""

    config: Config
    bot: object  # a pywikibot.bot.BaseBot: its userPut does the saving
    _checked_private: dict[str, bool] = field(default_factory=dict)
    _run_ok: dict[str, bool] = field(default_factory=dict)
    saved: int = 0

    def __post_init__(self) -> None:
        self.config.apply_to_pywikibot()

    @property
    def simulating(self) -> bool:
        """``-simulate``: nothing is written, so nothing may be recorded as delivered."""
        import pywikibot

        return bool(pywikibot.config.simulate)

    def site(self, wiki: Wiki):
        import pywikibot

        return pywikibot.Site(wiki.code, wiki.family)

    def wiki(self, name: str) -> Wiki:
        return self.config.wikis[name]

    def check_run_page(self, wiki: Wiki, *, fresh: bool = False) -> None:
        """Raise :class:`StopRequested` unless *wiki*'s run page says run."""
        if wiki.run_page is None:
            return
        if fresh or wiki.name not in self._run_ok:
            import pywikibot

            page = pywikibot.Page(self.site(wiki), wiki.run_page)
            text = page.get(force=True) if page.exists() else None
            self._run_ok[wiki.name] = run_page_allows(text)
        if not self._run_ok[wiki.name]:
            log.warning("Stopping, run page does not say run: [[%s]] on %s",
                        wiki.run_page, wiki.name)
            raise StopRequested(f"the run page [[{wiki.run_page}]] on {wiki.name} does not "
                                f"say 'yes'; the bot stops before editing")

    def _ensure_private(self, wiki: Wiki) -> None:
        if not wiki.private:
            raise PrivacyError(f"refusing a private write to {wiki.name}: it is not "
                               f"configured as a private wiki")
        if wiki.name not in self._checked_private:
            site = self.site(wiki)
            api_url = f"{site.protocol()}://{site.hostname()}{site.apipath()}"
            try:
                refused = anonymous_read_answer(api_url)
            except requests.RequestException:
                refused = None
            if refused is None:
                # No answer proves nothing either way: the write is refused like a failed
                # save (redone next cycle), not reported as a readable wiki, and the
                # check is asked again next time.
                raise WikiError(f"could not check that {wiki.name} refuses anonymous "
                                f"readers (no usable answer); the private write is redone "
                                f"next cycle")
            self._checked_private[wiki.name] = refused
        if not self._checked_private[wiki.name]:
            raise PrivacyError(f"refusing a private write to {wiki.name}: anonymous "
                               f"readers can read that wiki")

    def check_text(self, wiki: Wiki, text: str, summary: str, *, private: bool) -> None:
        """Apply the privacy rules for a write of *text* with *summary* to *wiki*."""
        problems = privacy.public_text_problems(summary)
        if problems:  # edit summaries are public on every wiki we write to
            raise PrivacyError(f"refusing an edit summary that {problems[0]}")
        if private:
            self._ensure_private(wiki)
        elif not wiki.private:
            problems = privacy.public_text_problems(text)
            if problems:
                raise PrivacyError(f"refusing to save a public page on {wiki.name} whose "
                                   f"text {', '.join(problems)}")

    def save(self, wiki_name: str, title: str, text: str, *, summary: str,
             private: bool = False, canonical_source: bool = False) -> bool:
        """Save *text* to *title* when it changed; True when an edit was made.

        ``canonical_source`` is for pages whose bot part is rendered only from the
        validated resource source (public crisis lines carry phone numbers and words
        like "suicide" on purpose): their text is not screened, their summary is.
        """
        import pywikibot

        wiki = self.wiki(wiki_name)
        if canonical_source and not private:
            self.check_text(wiki, "", summary, private=False)
        else:
            self.check_text(wiki, text, summary, private=private)
        page = pywikibot.Page(self.site(wiki), title)
        old = page.get(force=True) if page.exists() else ""
        if old.rstrip() == text.rstrip():
            return False
        self.check_run_page(wiki, fresh=True)
        if page.exists() and not page.botMayEdit():
            # {{bots}}/{{nobots}} exclusion: respected, and not an error to retry.
            log.warning("Skipping page, {{bots}}/{{nobots}} excludes this bot: [[%s]]", title)
            return False
        try:
            # Synchronous: with -always Pywikibot would save in a background thread and
            # only log a failure, and a page that failed to save must be redone.
            done = self.bot.userPut(page, old, text, summary=summary, minor=False,
                                    bot=True, asynchronous=False,
                                    ignore_save_related_errors=False)
        except pywikibot.exceptions.EditConflictError:
            raise WikiError(f"edit conflict on [[{title}]]; it is redone next cycle") from None
        except pywikibot.exceptions.PageSaveRelatedError as exc:
            reason = getattr(exc, "reason", exc)
            raise WikiError(f"[[{title}]] was not saved ({str(reason).splitlines()[0]}); "
                            f"it is redone next cycle") from None
        if done and not self.simulating:
            self.saved += 1
            # MediaWiki merges a save with a concurrent edit when it can; the page then
            # holds text we did not write, so it is redone on the next cycle.
            if page.get(force=True).rstrip() != text.rstrip():
                raise WikiError(f"[[{title}]] was merged with a concurrent edit; it is "
                                f"redone next cycle")
        return bool(done)

    def read(self, wiki_name: str, title: str) -> str | None:
        """The current text of *title* on *wiki_name* (None when the page is missing)."""
        import pywikibot

        page = pywikibot.Page(self.site(self.wiki(wiki_name)), title)
        return page.get(force=True) if page.exists() else None

    def latest_revisions(self, wiki_name: str, titles: list[str]) -> dict[str, int]:
        """The latest revision id of each existing page of *titles*, in one request."""
        from pywikibot.data import api

        site = self.site(self.wiki(wiki_name))
        request = api.Request(site=site, parameters={
            "action": "query", "prop": "info", "titles": "|".join(titles)})
        pages = request.submit().get("query", {}).get("pages", {})
        pages = pages.values() if isinstance(pages, dict) else pages
        return {p["title"]: int(p["lastrevid"]) for p in pages
                if "missing" not in p and "lastrevid" in p}

    def mail(self, wiki_name: str, user: str, subject: str, text: str) -> None:
        """Send *text* to *user* through the wiki's EmailUser (private by nature).

        Only accounts listed as recipients in the configuration are ever mailed.
        ``-simulate`` is honoured by Pywikibot's request layer like any write.
        """
        import pywikibot

        private = self.config.private
        allowed = set(private.emergency_recipients + private.flag_recipients) if private else set()
        if user not in allowed:
            raise PrivacyError(f"refusing to mail {user!r}: not a configured recipient")
        wiki = self.wiki(wiki_name)
        self.check_run_page(wiki, fresh=False)
        problems = privacy.public_text_problems(subject)
        if problems:
            raise PrivacyError(f"refusing a mail subject that {problems[0]}")
        target = pywikibot.User(self.site(wiki), user)
        try:
            target.send_email(subject, text)
        except pywikibot.exceptions.Error as exc:
            raise WikiError(f"could not mail {user} through {wiki_name}: {exc}") from None

