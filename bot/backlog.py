"""The public board backlog: a neutral table of open threads per board.

Built from the boards' current text alone (no triage, no accusations), so it is the
same whoever computes it.  Dates, not ages, so the page changes only when the boards
do.  Headings that name a sensitive matter or carry personal data are withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot import privacy
from bot.config import Board
from bot.rendering import render
from bot.threads import parse_board


@dataclass(frozen=True)
class BacklogRow:
    """One open thread on the backlog page."""

    board: str
    board_name: str
    heading: str
    anchor: str | None
    opened: datetime | None
    last_activity: datetime | None
    participants: int
    comments: int


def _anchor(heading: str) -> str | None:
    # A link target cannot hold these, and ~~~ would expand as a signature on save.
    if not heading or any(c in heading for c in "[]{}|<>~\n#"):
        return None
    return heading


def _sensitive(text: str, thread, language: str) -> bool:
    """Whether triage suggests a category that must not be named in public."""
    from bot.reports import report_text

    return _sensitive_report(report_text(text, thread), language)


@lru_cache(maxsize=4096)
def _sensitive_report(report: str, language: str) -> bool:
    # Cached by the report's text: a redraw after one new comment re-reads every open
    # thread, and triage of an unchanged report gives the same answer.
    from bot.triage import suggest

    # The first opinion, before the second look may withdraw a suggestion: a public page
    # errs towards withholding.
    found = suggest(report, lang=language, second_look=False)
    return any(s.suggested and not s.public for s in found)


def open_threads(board: Board, text: str) -> list[BacklogRow]:
    """Rows for the open (unclosed) threads of one board.

    A heading is withheld when it names a sensitive matter or carries personal data,
    or when triage of the report suggests a category that must not be named in
    public (a heading like "Threat left on my talk page" names none of the words).
    """
    from bot.boards import load_preset

    language = load_preset(board.preset).language
    rows = []
    for thread in parse_board(text, board.preset, board.layout):
        if thread.closure is not None:
            continue
        stamps = [c.timestamp for c in thread.comments if c.timestamp is not None]
        heading = thread.heading
        if privacy.public_text_problems(heading) or _sensitive(text, thread, language):
            heading = ""
        rows.append(BacklogRow(
            board=board.title, board_name=board.name, heading=heading,
            anchor=_anchor(heading), opened=min(stamps) if stamps else None,
            last_activity=max(stamps) if stamps else None,
            participants=len({c.author for c in thread.comments if c.author}),
            comments=len(thread.comments)))
    return rows


def render_backlog(boards: list[Board], texts: dict[str, str]) -> tuple[str, int]:
    """The backlog page's wikitext and the number of open threads on it."""
    sections = []
    total = 0
    for board in boards:
        if board.title not in texts:
            continue
        rows = open_threads(board, texts[board.title])
        total += len(rows)
        sections.append({"board": board, "rows": rows})
    return render("backlog/page.wikitext.j2", sections=sections), total
