"""Board wikitext -> threads, comments, signatures, timestamps and closures.

Pure functions of text (no wiki, no network), so they are cheap to test and to run on
every revision the watcher reads.  The page is split into threads by scanning lines
for headings, never by a whole-page parse: a whole-page parse loses headings after
unclosed markup, and is slow on boards of hundreds of kilobytes.

Where things are hidden from the reader (HTML comments, ``<nowiki>``, ``<pre>``...)
they are blanked first, with offsets kept, so a heading or a signature inside them is
not taken for a real one, and every span still points into the original text.

A comment is the text up to a signature: the last user link (``[[User:]]``,
``[[User talk:]]``, ``[[Special:Contributions/]]``, in any namespace spelling the
preset knows) before a timestamp in the wiki's date format, or an ``{{unsigned}}``-
style template.  A timestamp with no user link counts only where a signature would
end a line (``~~~~~`` style); elsewhere it is taken to be quoted.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
import html
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from bot.boards import Preset, load_preset, template_key
from bot.usernames import canonical_user_name, normalise_name

__all__ = ["Comment", "Closure", "Thread", "parse_threads", "parse_entries", "parse_board",
           "heading_text"]

# A signature is at most 255 characters of wikitext (MediaWiki's limit on a custom
# signature), so its user link starts within this many characters of the timestamp.
SIGNATURE_REACH = 300

_HIDDEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(nowiki|pre|syntaxhighlight|source|math|code-block)\b[^>]*?(?:/>|>.*?(?:</\1\s*>|\Z))",
    re.S | re.I)
_NOT_NEWLINE_RE = re.compile(r"[^\n]+")
_HEADING_RE = re.compile(r"^(={1,6})(.+?)(={1,6})[ \t]*$", re.M)
_BRACES_RE = re.compile(r"\{\{|\}\}")
_END_OF_SIGNATURE_RE = re.compile(
    r"(?:\s|</?(?:small|span|sup|sub|font|b|i|big)\b[^>]*>|'{2,}|\}\}|\)|\]|&nbsp;)*$",
    re.I)
_INDENT_RE = re.compile(r"[:*#]*")


@dataclass(frozen=True)
class Comment:
    """One signed comment.  ``start``/``end`` index the original text; ``end`` is the
    end of the signature's timestamp (or of the unsigned template)."""

    author: str | None
    timestamp: datetime | None
    start: int
    end: int
    indent: int = 0
    signature_kind: str = "link"  # link | unsigned | timestamp-only


@dataclass(frozen=True)
class Closure:
    """How a thread was closed: the template, its status and result, who closed it."""

    status: str
    result: str
    closer: str | None
    timestamp: datetime | None
    template: str
    start: int
    end: int


@dataclass(frozen=True)
class Thread:
    """A level-2 section of a board (or one report line on a list-style board)."""

    heading: str
    raw_heading: str
    start: int
    end: int
    comments: tuple[Comment, ...]
    closure: Closure | None
    kind: str = "thread"  # thread | entry
    body_start: int = 0
    key: str = field(default="", compare=False)

    @property
    def author(self) -> str | None:
        """Who signed first (not necessarily who posted: see the revision's user)."""
        return self.comments[0].author if self.comments else None

    @property
    def opened(self) -> datetime | None:
        stamps = [c.timestamp for c in self.comments if c.timestamp]
        return min(stamps) if stamps else None

    @property
    def last_activity(self) -> datetime | None:
        stamps = [c.timestamp for c in self.comments if c.timestamp]
        if self.closure and self.closure.timestamp:
            stamps.append(self.closure.timestamp)
        return max(stamps) if stamps else None

    @property
    def participants(self) -> frozenset[str]:
        return frozenset(c.author for c in self.comments if c.author)


# --------------------------------------------------------------------------- helpers

def _blank(match: re.Match[str]) -> str:
    return _NOT_NEWLINE_RE.sub(lambda m: " " * len(m.group()), match.group())


def mask_hidden(text: str) -> str:
    """*text* with comments, nowiki, pre... blanked out; same length, same newlines."""
    if "<" not in text:
        return text
    return _HIDDEN_RE.sub(_blank, text)


def _template_end(text: str, start: int, limit: int = 50000) -> int:
    """End offset of the template opening at *start* (``{{``), or of the line if unclosed."""
    depth = 0
    stop = min(len(text), start + limit)
    for match in _BRACES_RE.finditer(text, start, stop):
        depth += 1 if match.group() == "{{" else -1
        if depth == 0:
            return match.end()
    newline = text.find("\n", start)
    return newline if newline != -1 else len(text)


def _split_params(inner: str) -> tuple[list[str], dict[str, str]]:
    """Positional and named parameters of a template body (nesting respected)."""
    parts, depth, current = [], 0, []
    i = 0
    while i < len(inner):
        two = inner[i:i + 2]
        if two in ("{{", "[["):
            depth += 1
            current.append(two)
            i += 2
            continue
        if two in ("}}", "]]"):
            depth -= 1
            current.append(two)
            i += 2
            continue
        if inner[i] == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(inner[i])
        i += 1
    parts.append("".join(current))
    positional, named = [], {}
    for part in parts[1:]:
        key, eq, value = part.partition("=")
        if eq and "[[" not in key and "{{" not in key and key.strip():
            named[key.strip()] = value.strip()
        else:
            positional.append(part.strip())
    for index, value in enumerate(positional, start=1):
        named.setdefault(str(index), value)
    return positional, named


def _param(named: dict[str, str], which: int | str) -> str | None:
    value = named.get(str(which))
    return value if value else None


def _make_time(preset: Preset, match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, zone = match.group("year", "month", "day", "hour",
                                                       "minute", "zone")
    tz = preset.zones.get(zone)
    try:
        local = datetime(int(year), preset.month_numbers[month], int(day), int(hour),
                         int(minute), tzinfo=tz)
    except (ValueError, KeyError, TypeError):
        return None
    return local if tz is timezone.utc else local.astimezone(timezone.utc)


_USER_TEMPLATE_RE = re.compile(
    r"\{\{\s*(?:u|user|user ?link|userlinks?|noping|np|ping|user0|iusc)\s*\|\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}",
    re.I)
_LINK_RE = re.compile(r"\[\[:?([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_EXTLINK_RE = re.compile(r"\[(?:https?:)?//[^\s\]]+\s*([^\]]*)\]")
_TEMPLATE_RE = re.compile(r"\{\{[^{}]*\}\}")
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


@lru_cache(maxsize=4096)
def heading_text(raw: str) -> str:
    """A heading as a reader sees it: links as their text, formatting and tags dropped."""
    text = raw
    if any(c in text for c in "[{'<&"):
        text = _USER_TEMPLATE_RE.sub(r"\1", text)
        for _ in range(3):  # nested templates, innermost first
            text, n = _TEMPLATE_RE.subn("", text)
            if not n:
                break
        text = _LINK_RE.sub(lambda m: m.group(2) if m.group(2) is not None
                            else m.group(1).split("#")[0], text)
        text = _EXTLINK_RE.sub(r"\1", text)
        text = _TAG_RE.sub("", text).replace("'''", "").replace("''", "")
        text = html.unescape(text)
    return " ".join(text.split())


def _key(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- signatures

class _Signature(NamedTuple):  # a tuple: thousands are made per page
    author: str | None
    timestamp: datetime | None
    start: int  # where the signature (or unsigned template) starts
    end: int
    kind: str


def _unsigned_re(preset: Preset) -> re.Pattern[str] | None:
    return _unsigned_cache(preset.name, tuple(preset.unsigned))


@lru_cache(maxsize=None)
def _unsigned_cache(name: str, templates: tuple[str, ...]) -> re.Pattern[str] | None:
    from bot.boards import _alternation

    if not templates:
        return None
    return re.compile(r"\{\{[ _]*(?:subst:|safesubst:)?[ _]*(" + _alternation(templates)
                      + r")[ _]*(?=\||\}\})")


# How far a timestamp reaches around its zone name ("12:34, 28 September 2011 (UTC)").
_BEFORE_ZONE, _AFTER_ZONE = 64, 16


def _timestamps(masked: str, preset: Preset):
    """Timestamp matches in text order.

    Scanning a page with the full date pattern costs a regex attempt at every digit;
    looking for the few zone names first and matching only around them is several
    times faster on real boards, and finds the same timestamps.
    """
    last_end = 0
    size = len(masked)
    search = preset.timestamp_re.search
    for hit in preset.zone_re.finditer(masked):
        here, there = hit.start(), hit.end()
        if here < last_end:
            continue
        position, stop = max(last_end, here - _BEFORE_ZONE), min(size, there + _AFTER_ZONE)
        match = search(masked, position, stop)
        while match is not None and match.end() < there:
            match = search(masked, match.end(), stop)
        if match is not None and match.start() <= here:
            last_end = match.end()
            yield match


def _signatures(masked: str, preset: Preset) -> list[_Signature]:
    """Every signature in *masked*, in text order (one pass of each regex)."""
    found: list[_Signature] = []
    taken: list[tuple[int, int]] = []
    unsigned = _unsigned_re(preset)
    if unsigned is not None and "{{" in masked:
        for match in unsigned.finditer(masked):
            close = _template_end(masked, match.start())
            spec = preset.unsigned[template_key(match.group(1))]
            _, named = _split_params(masked[match.start() + 2:close - 2])
            user = _param(named, spec["user"])
            date = _param(named, spec.get("date", 2))
            stamp = None
            if date:
                found_time = preset.timestamp_re.search(date)
                stamp = _make_time(preset, found_time) if found_time else None
            if user:
                user = heading_text(user) or None
            found.append(_Signature(normalise_name(user) if user else None, stamp,
                                    match.start(), close, "unsigned"))
            taken.append((match.start(), close))

    # User links are found once; each timestamp takes the last one that ends before it.
    links = list(preset.user_link_re.finditer(masked))
    link_ends = [m.end() for m in links]
    taken_starts = [a for a, _ in taken]
    previous_end = 0
    for match in _timestamps(masked, preset):
        here = match.start()
        if taken:
            i = bisect_right(taken_starts, here) - 1
            if i >= 0 and taken[i][0] <= here < taken[i][1]:
                continue
        stamp = _make_time(preset, match)
        if stamp is None:
            continue
        line_start = masked.rfind("\n", 0, here) + 1
        window_start = max(line_start, previous_end, here - SIGNATURE_REACH)
        i = bisect_right(link_ends, here) - 1
        if i >= 0 and links[i].start() >= window_start:
            link = links[i]
            name = link.group("name") or link.group("contrib")
            author = normalise_name(html.unescape(name) if "&" in name else name)
            found.append(_Signature(author, stamp, link.start(), match.end(), "link"))
        else:
            line_end = masked.find("\n", match.end())
            if not _END_OF_SIGNATURE_RE.fullmatch(masked, match.end(),
                                                  line_end if line_end != -1 else len(masked)):
                continue  # a quoted date, not a signature
            found.append(_Signature(None, stamp, here, match.end(), "timestamp-only"))
        previous_end = match.end()
    if taken:
        found.sort(key=lambda s: s.start)
    return found


def _within(signatures: list[_Signature], ends: list[int], start: int,
            end: int) -> list[_Signature]:
    """The signatures that end inside ``(start, end]``."""
    return signatures[bisect_right(ends, start):bisect_right(ends, end)]


# --------------------------------------------------------------------------- closures

@lru_cache(maxsize=None)
def _closure_re(name: str, wrap: tuple[str, ...], markers: tuple[str, ...]) -> re.Pattern[str]:
    from bot.boards import _alternation

    return re.compile(r"\{\{[ _]*(?:subst:|safesubst:)?[ _]*(" + _alternation(wrap + markers)
                      + r")[ _]*(?=\||\}\})")


def _unsigned_result(result: str, preset: Preset) -> str:
    """A closing result without the closer's signature at its end."""
    stamp = None
    for stamp in preset.timestamp_re.finditer(result):
        pass
    if stamp is not None:
        cut = stamp.start()
        links = list(preset.user_link_re.finditer(result, max(0, cut - SIGNATURE_REACH), cut))
        if links:
            # The signature starts at its first link to the signer ("[[User:A]] ([[User talk:A]])").
            signer = links[-1].group("name") or links[-1].group("contrib")
            cut = links[-1].start()
            for link in reversed(links[:-1]):
                if (link.group("name") or link.group("contrib")) != signer:
                    break
                cut = link.start()
        result = result[:cut]
    return heading_text(result).rstrip(" -—–~")


def _find_closure(masked: str, preset: Preset, own: tuple[int, int], whole: tuple[int, int],
                  signatures: list[_Signature]) -> Closure | None:
    """The thread's closure: a wrapping box in its own part, else its last marker."""
    if "{{" not in masked[whole[0]:whole[1]] or not (preset.wrap or preset.markers):
        return None
    pattern = _closure_re(preset.name, tuple(preset.wrap), tuple(preset.markers))
    marker = None
    for match in pattern.finditer(masked, whole[0], whole[1]):
        key = template_key(match.group(1))
        close = _template_end(masked, match.start())
        _, named = _split_params(masked[match.start() + 2:close - 2])
        if key in preset.wrap:
            if not own[0] <= match.start() < own[1]:
                continue  # a box around a subsection closes only that subsection
            spec = preset.wrap[key]
            result = next((named[str(p)] for p in spec.get("result", ())
                           if named.get(str(p))), "")
            line_end = masked.find("\n", close)
            line_end = line_end if line_end != -1 else len(masked)
            sig = next((s for s in signatures
                        if match.start() <= s.start and s.end <= line_end), None)
            return Closure(status=str(spec.get("status", "closed")),
                           result=_unsigned_result(result, preset),
                           closer=sig.author if sig else None,
                           timestamp=sig.timestamp if sig else None, template=key,
                           start=match.start(), end=close)
        marker = (match, key, close, named)
    if marker is None:
        return None
    match, key, close, named = marker
    # The marker's own signature (``{{resolved|1=~~~~}}``) or the comment it sits in.
    sig = next((s for s in signatures if s.end > match.start()), None)
    return Closure(status=preset.markers[key],
                   result=_unsigned_result(named.get("1", ""), preset),
                   closer=sig.author if sig else None,
                   timestamp=sig.timestamp if sig else None, template=key,
                   start=match.start(), end=close)


# --------------------------------------------------------------------------- comments

def _comments(text: str, masked: str, signatures: list[_Signature], body_start: int,
              boundaries: list[int], excluded: tuple[int, int] | None) -> tuple[Comment, ...]:
    """Turn signatures into comments: each runs from the previous boundary to its end."""
    comments = []
    cursor = body_start
    points = sorted(boundaries)
    bi = 0
    for sig in signatures:
        while bi < len(points) and points[bi] <= sig.start:
            cursor = max(cursor, points[bi])
            bi += 1
        if excluded and excluded[0] <= sig.start < excluded[1]:
            cursor = max(cursor, sig.end)
            continue
        begin = cursor
        # Skip blank space and the rest of a line already used by an earlier signature.
        newline = masked.find("\n", begin, sig.start)
        if newline != -1 and _END_OF_SIGNATURE_RE.fullmatch(masked, begin, newline):
            begin = newline + 1
        while begin < sig.start and masked[begin] in " \t\n":
            begin += 1
        line_start = masked.rfind("\n", 0, begin) + 1
        indent = len(_INDENT_RE.match(masked, line_start).group())
        comments.append(Comment(sig.author, sig.timestamp, begin, sig.end, indent, sig.kind))
        cursor = sig.end
    return tuple(comments)


def _headings(masked: str) -> list[tuple[int, int, int, str]]:
    """(start, end of line, level, raw text) for every heading line."""
    found = []
    # Only lines starting with "=" can be headings: find those with a plain substring
    # search (fast) instead of trying the pattern at every position of the page.
    starts = [0] if masked.startswith("=") else []
    position = masked.find("\n=")
    while position != -1:
        starts.append(position + 1)
        position = masked.find("\n=", position + 1)
    for start in starts:
        match = _HEADING_RE.match(masked, start)
        if match is None:
            continue
        left, inner, right = match.group(1), match.group(2), match.group(3)
        level = min(len(left), len(right))
        inner = "=" * (len(left) - level) + inner + "=" * (len(right) - level)
        if not inner.strip():
            continue
        found.append((match.start(), match.end(), level, inner))
    return found


def _thread_key(heading: str, comments: tuple[Comment, ...]) -> str:
    # Like DiscussionTools' topic ids: the first comment's author and time survive a
    # rename or a move; a thread nobody signed falls back to its heading.
    # The earliest signature, not the first in page order: a closing note or a moved
    # reply placed above the report must not change the thread's identity.
    dated = [c for c in comments if c.timestamp is not None]
    if dated:
        first = min(dated, key=lambda c: c.timestamp)
        return _key("c", canonical_user_name(first.author or "?"), first.timestamp.isoformat())
    return _key("h", heading)


def _dedupe_keys(threads: list[Thread]) -> list[Thread]:
    seen: dict[str, int] = {}
    out = []
    for thread in threads:
        n = seen.get(thread.key, 0)
        seen[thread.key] = n + 1
        out.append(thread if n == 0 else replace(thread, key=f"{thread.key}-{n + 1}"))
    return out


# --------------------------------------------------------------------------- public

def _resolve(preset: str | Preset) -> Preset:
    return preset if isinstance(preset, Preset) else load_preset(preset)


def parse_threads(text: str, preset: str | Preset = "enwiki") -> list[Thread]:
    """One :class:`Thread` per level-2 heading of *text*, in page order.

    Text before the first heading is the page header, not a thread; deeper headings
    belong to the thread above them.
    """
    conventions = _resolve(preset)
    masked = mask_hidden(text)
    headings = _headings(masked)
    heading_starts = [h[0] for h in headings]
    threads: list[Thread] = []
    tops = [h for h in headings if h[2] <= 2]
    if not tops:
        return []
    every = sorted(_signatures(masked, conventions), key=lambda s: s.end)
    ends = [s.end for s in every]
    for index, (start, head_end, level, raw) in enumerate(tops):
        if level < 2:
            continue  # a level-1 heading ends the thread above but starts none
        end = tops[index + 1][0] if index + 1 < len(tops) else len(text)
        body_start = min(head_end + 1, end)
        subheadings = headings[bisect_right(heading_starts, start):
                               bisect_left(heading_starts, end)]
        own_end = subheadings[0][0] if subheadings else end
        sigs = sorted(_within(every, ends, body_start, end), key=lambda s: s.start)
        closure = _find_closure(masked, conventions, (start, own_end), (start, end), sigs)
        excluded = None
        if closure is not None and closure.template in conventions.wrap:
            line_end = masked.find("\n", closure.end)
            excluded = (closure.start, line_end if line_end != -1 else end)
        elif closure is not None:
            excluded = (closure.start, closure.end)  # ``{{resolved|1=~~~~}}`` signs itself
        boundaries = [min(h[1] + 1, end) for h in subheadings]
        if excluded:
            boundaries.append(excluded[1])
        comments = _comments(text, masked, sigs, body_start, boundaries, excluded)
        heading = heading_text(raw)
        threads.append(Thread(heading=heading, raw_heading=raw.strip(), start=start, end=end,
                              comments=comments, closure=closure, body_start=body_start,
                              key=_thread_key(heading, comments)))
    return _dedupe_keys(threads)


@lru_cache(maxsize=None)
def _entry_re(name: str, entries: tuple[str, ...]) -> re.Pattern[str]:
    from bot.boards import _alternation

    return re.compile(r"^([*#:]*)[ \t]*\{\{[ _]*(?:" + _alternation(entries)
                      + r")[ _]*\|[ _]*(?:1[ _]*=[ _]*)?([^{}|\n]+?)[ _]*(?:\||\}\})", re.M)


def parse_entries(text: str, preset: str | Preset = "enwiki") -> list[Thread]:
    """One :class:`Thread` (kind ``entry``) per report line of a list-style board.

    A line like ``* {{vandal|X}} – reason ~~~~`` is an entry about X; lines below it
    indented deeper are replies to it.  The heading is the reported name.
    """
    conventions = _resolve(preset)
    masked = mask_hidden(text)
    if not conventions.entries:
        return []
    starts = list(_entry_re(conventions.name, tuple(conventions.entries)).finditer(masked))
    if not starts:
        return []
    heading_starts = [h[0] for h in _headings(masked)]
    every = sorted(_signatures(masked, conventions), key=lambda s: s.end)
    ends = [s.end for s in every]
    entries = []
    for index, match in enumerate(starts):
        start = match.start()
        depth = len(match.group(1))
        line_end = masked.find("\n", start)
        end = line_end if line_end != -1 else len(masked)
        limit = starts[index + 1].start() if index + 1 < len(starts) else len(masked)
        following = bisect_right(heading_starts, start)
        if following < len(heading_starts):
            limit = min(limit, heading_starts[following])
        # Replies: following lines indented deeper than the entry itself.
        while end < limit:
            next_end = masked.find("\n", end + 1)
            next_end = next_end if next_end != -1 else len(masked)
            line = masked[end + 1:next_end]
            prefix = len(_INDENT_RE.match(line).group())
            if prefix <= depth or not line.strip():
                break
            end = next_end
        sigs = sorted(_within(every, ends, start, end), key=lambda s: s.start)
        comments = _comments(text, masked, sigs, start, [], None)
        subject = heading_text(match.group(2)).strip()
        entries.append(Thread(heading=subject, raw_heading=match.group(2).strip(), start=start,
                              end=end, comments=comments, closure=None, kind="entry",
                              body_start=start,
                              key=_key("e", canonical_user_name(subject) if subject else "")))
    return _dedupe_keys(entries)


def parse_board(text: str, preset: str | Preset = "enwiki",
                layout: str = "threads") -> list[Thread]:
    """Threads or entries, as the board's configured layout says."""
    if layout == "entries":
        return parse_entries(text, preset)
    if layout != "threads":
        raise ValueError(f"unknown board layout {layout!r} (threads or entries)")
    return parse_threads(text, preset)
