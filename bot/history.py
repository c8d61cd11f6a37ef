"""Reporter history read back from a board's archives (pure; no wiki needed).

An archived thread shows who *signed* the report, but a signature can be forged: the
reporter is the account that saved the revision opening the thread.  That revision is
found in the board's own history (ids, times, users and summaries only, no text):

1. the revision whose automatic summary says it added a new section with the
   thread's heading (MediaWiki's ``newsectionsummary`` message, read from the wiki);
   when the heading was used more than once, the one nearest the signature's time;
2. otherwise the revisions saved in the signature's minute (``~~~~`` stamps the save
   time, to the minute): the signer's own, or the only one there is;
3. otherwise nobody: the report is kept as unattributed and never counts.

Closures are checked the same way (2 only): an unverified closer is not trusted, so
a forged "closed as unfounded" cannot count against a reporter.  When the closing
text says nothing usable, the block log around the report decides
(:mod:`bot.blocks`).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.reporters import ReportRecord
from bot.usernames import canonical_user_name

# A signature is stamped at save time, to the minute; an edit conflict resolved
# quickly can push the save a little past the stamp.
SIGNATURE_SLACK = timedelta(minutes=2)


@dataclass(frozen=True)
class BoardRevision:
    """One revision of a board, without its text."""

    revid: int
    timestamp: datetime
    user: str | None
    comment: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """One report found in an archive (or on the board), as stored."""

    wiki: str
    board: str
    thread_key: str
    heading: str
    reporter: str | None  # the account that saved the opening revision; None: not found
    revid: int            # that revision (0 when not found)
    opened: datetime
    source: str           # the page it was read from
    closed: datetime | None = None
    closer: str | None = None
    closer_trusted: bool = False
    outcome: str | None = None
    evidence: str | None = None  # why that outcome: codes and ids, never text
    targets: tuple[str, ...] = ()
    fingerprint: str | None = None

    @property
    def key(self) -> str:
        return f"{self.wiki}|{self.board}|{self.thread_key}"

    def record(self, link: str | None = None) -> ReportRecord | None:
        """The reporter-history record, or None when no revision names the reporter."""
        if not self.reporter:
            return None
        return ReportRecord(
            wiki=self.wiki, board=self.board, thread_key=self.thread_key,
            reporter=self.reporter, targets=self.targets, opened=self.opened,
            closed=self.closed, outcome=self.outcome, complaint_hash=self.fingerprint,
            closer=self.closer, closer_trusted=self.closer_trusted, link=link)

    def with_outcome(self, outcome: str, evidence: str, closer: str | None,
                     trusted: bool) -> "HistoryEntry":
        return replace(self, outcome=outcome, evidence=evidence[:255], closer=closer,
                       closer_trusted=trusted)


def report_id(key: str) -> str:
    """A short, stable id for a report (``wiki|board|thread``) that fits in a template."""
    return hashlib.sha1(key.encode()).hexdigest()[:10]


def new_section_pattern(message: str) -> re.Pattern[str]:
    """A regex for automatic new-section summaries from the wiki's message.

    *message* is MediaWiki's ``newsectionsummary`` (``/* $1 */ new section`` on
    English wikis); group 1 is the heading as typed.
    """
    if "$1" not in message:  # a customised message without the heading: the default
        message = "/* $1 */ new section"
    parts = [re.escape(p) for p in message.strip().split("$1")]
    body = "(.+?)".join(parts)
    body = body.replace(r"\ ", r"\s*")
    return re.compile(rf"^\s*{body}\s*$", re.IGNORECASE)


def _plain_heading(text: str) -> str:
    # Autocomments keep the heading's wikitext; compare without link brackets and
    # bold/italic quotes, spaces folded.
    text = re.sub(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]", r"\1", text)
    text = text.replace("'''", "").replace("''", "")
    return " ".join(text.split()).casefold()


class BoardHistory:
    """A board's revisions over a span, searchable by time and by new-section summary."""

    def __init__(self, revisions: list[BoardRevision],
                 new_section: re.Pattern[str] | None = None) -> None:
        self.revisions = sorted(revisions, key=lambda r: (r.timestamp, r.revid))
        self._times = [r.timestamp for r in self.revisions]
        self.new_sections: dict[str, list[BoardRevision]] = {}
        if new_section is not None:
            for rev in self.revisions:
                match = new_section.match(rev.comment or "")
                if match:
                    self.new_sections.setdefault(_plain_heading(match.group(1)), []).append(rev)

    def saved_between(self, start: datetime, end: datetime) -> list[BoardRevision]:
        lo = bisect.bisect_left(self._times, start)
        hi = bisect.bisect_left(self._times, end)
        return self.revisions[lo:hi]

    def signed_by(self, signer: str | None, signed_at: datetime | None) -> BoardRevision | None:
        """The revision that saved a signature: the signer's, or the only one then."""
        if signed_at is None:
            return None
        window = self.saved_between(signed_at, signed_at + SIGNATURE_SLACK)
        if signer:
            own = [r for r in window if r.user and
                   canonical_user_name(r.user) == canonical_user_name(signer)]
            if own:
                return own[0]
        in_minute = [r for r in window if r.timestamp < signed_at + timedelta(minutes=1)]
        return in_minute[0] if len(in_minute) == 1 else None

    def opening(self, headings: tuple[str, ...], signer: str | None,
                signed_at: datetime | None) -> BoardRevision | None:
        """The revision that opened a thread with one of *headings*, signed as given."""
        candidates: list[BoardRevision] = []
        for heading in headings:
            candidates += self.new_sections.get(_plain_heading(heading), [])
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            # The same heading opened several times: the one saved nearest the stamp.
            when = signed_at or candidates[0].timestamp
            return min(candidates, key=lambda r: abs(r.timestamp - when))
        return self.signed_by(signer, signed_at)
