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
end a line (``~~~~~`` style); elsewhere it is taken to be quoted.  The same signature
in two branches of one ``{{#if:}}``/``{{#switch:}}`` (left by a substituted template)
renders once, so it counts once.

Speed matters (boards of hundreds of KB, parsed at every revision): the work is done
around the few places that can hold a signature (each timestamp's zone, the ``[[``
before it), not line by line; every per-preset pattern is compiled once, in
:mod:`bot.boards`.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from bisect import bisect_left, bisect_right
import html
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from operator import attrgetter
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
# What can follow the "<" of a _HIDDEN_RE match ("ſ" folds to "s" under re.I).
_HIDDEN_FIRST = frozenset("!nNpPsSmMcC\u017f")
_HEADING_RE = re.compile(r"^(={1,6})(.+?)(={1,6})[ \t]*$", re.M)
_HEADING_LINE_RE = re.compile(r"\n(={1,6})(.+?)(={1,6})[ \t]*$", re.M)  # after line 1
_BRACES_RE = re.compile(r"\{\{|\}\}")
_END_OF_SIGNATURE_RE = re.compile(
    r"(?:\s|</?(?:small|span|sup|sub|font|b|i|big)\b[^>]*>|'{2,}|\}\}|\)|\]|&nbsp;)*$",
    re.I)
_INDENT_RE = re.compile(r"[:*#]*")
# What _comments skips before a comment: the rest of a line that only closes the
# previous signature (_END_OF_SIGNATURE_RE's items, within one line), then blank space.
_LEAD_RE = re.compile(
    r"(?:(?:[^\S\n]|</?(?:small|span|sup|sub|font|b|i|big)\b[^>\n]*>|'{2,}|\}\}|\)|\]|&nbsp;)*\n)?"
    r"[ \t\n]*", re.I)
_LEAD_FIRST = "<'})]&"  # where _LEAD_RE can match more than nothing, besides white space


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


# A frozen dataclass's __init__ sets each field through object.__setattr__: about a
# sixth of what a comment cost the parser on a large board.  These fill the __dict__
# directly: the same objects (equality, hash, repr and replace() read the attributes),
# made once per comment or thread by the parser.  tests/unit/test_threads_scanning.py
# checks them against the real constructors, field for field.

def _new_comment(author: str | None, timestamp: datetime | None, start: int, end: int,
                 indent: int, signature_kind: str) -> Comment:
    comment = object.__new__(Comment)
    fields = comment.__dict__
    fields["author"] = author
    fields["timestamp"] = timestamp
    fields["start"] = start
    fields["end"] = end
    fields["indent"] = indent
    fields["signature_kind"] = signature_kind
    return comment


def _new_thread(heading: str, raw_heading: str, start: int, end: int,
                comments: tuple[Comment, ...], closure: Closure | None, kind: str,
                body_start: int, key: str) -> Thread:
    thread = object.__new__(Thread)
    fields = thread.__dict__
    fields["heading"] = heading
    fields["raw_heading"] = raw_heading
    fields["start"] = start
    fields["end"] = end
    fields["comments"] = comments
    fields["closure"] = closure
    fields["kind"] = kind
    fields["body_start"] = body_start
    fields["key"] = key
    return thread


# --------------------------------------------------------------------------- helpers

def _blank(hidden: str) -> str:
    return "\n".join([" " * len(line) for line in hidden.split("\n")])


def mask_hidden(text: str) -> str:
    """*text* with comments, nowiki, pre... blanked out; same length, same newlines."""
    # What _HIDDEN_RE.sub would do, but trying the pattern only at a "<" that can start
    # a match: a whole-page regex scan costs several times a str.find, and boards hold
    # far more "<small>" and "<span>" than hidden parts.
    find = text.find
    at = find("<")
    if at == -1:
        return text
    match = _HIDDEN_RE.match
    last = len(text) - 1
    pieces = []
    done = 0
    while at != -1:
        if at < last and text[at + 1] in _HIDDEN_FIRST:
            hidden = match(text, at)
            if hidden is not None:
                end = hidden.end()
                pieces.append(text[done:at])
                pieces.append(_blank(hidden.group()))
                done = end
                at = find("<", end)
                continue
        at = find("<", at + 1)
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _template_starts(masked: str) -> list[int]:
    """Where every ``{{`` starts (``{{{`` holds two), in text order."""
    starts = []
    find = masked.find
    last = len(masked) - 1
    at = find("{")  # one character: found at memchr speed, unlike "{{"
    while at != -1:
        if at < last and masked[at + 1] == "{":
            starts.append(at)
        at = find("{", at + 1)
    return starts


def _template_matches(pattern: re.Pattern[str], masked: str, starts: list[int],
                      pos: int = 0, endpos: int | None = None) -> list[re.Match[str]]:
    """``list(pattern.finditer(masked, pos, endpos))`` for a pattern whose matches all
    start with ``{{``: tried only at *starts* (from :func:`_template_starts`)."""
    if endpos is None:
        endpos = len(masked)
    found = []
    match = pattern.match
    last = pos
    for at in starts[bisect_left(starts, pos):]:
        if at >= endpos:
            break
        if at < last:
            continue  # inside the previous match, as finditer would skip it
        hit = match(masked, at, endpos)
        if hit is not None:
            found.append(hit)
            last = hit.end()
    return found


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


_TIME_GROUPS = ("year", "month", "day", "hour", "minute", "zone")
_NUMBERS = {**{str(n): n for n in range(100)}, **{f"{n:02d}": n for n in range(10)}}
_MINUTES = [timedelta(minutes=n) for n in range(24 * 60)]
# Start of a day in UTC, by (year as written, month number, day as written, zone):
# a board's signatures fall on few days, and building a datetime costs more than the
# rest of a timestamp.  Holds only dates, so it stays small; cleared if it ever grows.
_DAYS: dict[tuple[str, int, str, timezone], datetime | None] = {}
_DAYS_MAX = 20000
_UNKNOWN = object()


def _exact_time(preset: Preset, year: str, month: str, day: str, hour: str, minute: str,
                zone: str) -> datetime | None:
    try:
        # Built in UTC (positional arguments: keywords cost as much again) and shifted
        # by the zone's fixed offset: the same instant as astimezone(), at half the cost.
        stamp = datetime(int(year), preset.month_numbers[month], int(day), int(hour),
                         int(minute), 0, 0, timezone.utc)
        zone_info = preset.zones[zone]
        return stamp if zone_info is timezone.utc else stamp - zone_info.utcoffset(None)
    except (ValueError, KeyError, TypeError, OverflowError):
        return None


def _day_start(year: str, month: int, day: str, zone: timezone) -> object:
    """Local midnight of the day, in UTC; None if there is no such day, _UNKNOWN if
    midnight is out of datetime's range though a time on that day may not be."""
    try:
        midnight = datetime(int(year), month, int(day), 0, 0, 0, 0, timezone.utc)
    except (ValueError, TypeError, OverflowError):
        return None
    try:
        return midnight if zone is timezone.utc else midnight - zone.utcoffset(None)
    except OverflowError:
        return _UNKNOWN


def _make_time(preset: Preset, match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute, zone = match.group(*_TIME_GROUPS)
    try:
        key = (year, preset.month_numbers[month], day, preset.zones[zone])
        start = _DAYS.get(key, _UNKNOWN)
        if start is _UNKNOWN:
            if len(_DAYS) >= _DAYS_MAX:
                _DAYS.clear()
            start = _DAYS[key] = _day_start(*key)
        if start is None:
            return None  # no such date
        hours = _NUMBERS.get(hour)
        minutes = _NUMBERS.get(minute)
        if hours is None or minutes is None or start is _UNKNOWN:
            return _exact_time(preset, year, month, day, hour, minute, zone)
        if hours > 23 or minutes > 59:
            return None  # as datetime() would refuse it
        return start + _MINUTES[hours * 60 + minutes]
    except (ValueError, KeyError, TypeError, OverflowError):
        return None


_USER_TEMPLATE_RE = re.compile(
    r"\{\{\s*(?:u|user|user ?link|userlinks?|noping|np|ping|user0|iusc)\s*\|\s*([^{}|]+?)\s*(?:\|[^{}]*)?\}\}",
    re.I)
_LINK_RE = re.compile(r"\[\[:?([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
# Link and tag bodies stop at the next opening bracket: an unclosed one is not scanned to
# the line's end again for every later one (a heading of "[//x " x 20,000 took 10 s).
# An external link and its text (group 1); closing texts are read with it too.
EXTERNAL_LINK_RE = re.compile(r"\[(?:https?:)?//[^\s\[\]]+(?:\s([^\[\]]*))?\]")
_TEMPLATE_RE = re.compile(r"\{\{[^{}]*\}\}")
_TAG_RE = re.compile(r"</?[a-zA-Z][^<>]*>")


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
        text = EXTERNAL_LINK_RE.sub(r"\1", text)
        text = _TAG_RE.sub("", text).replace("'''", "").replace("''", "")
        text = html.unescape(text)
    return " ".join(text.split())


def _key(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- signatures

class _Signature(NamedTuple):  # a tuple: thousands are made per page
    author: str | None
    timestamp: datetime | None
    start: int  # where the signature (or unsigned template) starts
    end: int
    kind: str


_START, _END = attrgetter("start"), attrgetter("end")


# How far a timestamp may reach around its zone when written oddly (several spaces or
# non-breaking spaces): the second, wider search when the preset's window finds nothing.
_BEFORE_ZONE, _AFTER_ZONE = 64, 16


def _timestamps(masked: str, preset: Preset) -> list[re.Match[str]]:
    """Timestamp matches in text order.

    Searching a whole page for the full date pattern tries a match at every position
    (about 17 MB/s).  The zone with its brackets ("(UTC)") starts with a literal
    character, which the regex engine scans for at hundreds of MB/s; the date pattern
    is then tried only around each zone.  That search costs about as much per
    character as a whole-page one, so it first covers just what a timestamp written
    with single spaces needs (``preset.stamp_before``/``stamp_after``).
    """
    found = []
    last_end = 0
    search = preset.timestamp_re.search
    before, after = preset.stamp_before, preset.stamp_after
    wide = before < _BEFORE_ZONE or after < _AFTER_ZONE
    wide_before, wide_after = max(before, _BEFORE_ZONE), max(after, _AFTER_ZONE)
    # (Positions outside the text need no clamping: pos and endpos are clamped by re.)
    for here, there in _zones(masked, preset):
        if here < last_end:
            continue
        position = here - before
        match = search(masked, position if position > last_end else last_end, there + after)
        if match is not None:
            begin, end = match.span()
            while end < there:
                match = search(masked, end, there + after)
                if match is None:
                    break
                begin, end = match.span()
            if match is not None and begin <= here:
                last_end = end
                found.append(match)
                continue
        if not wide:
            continue
        position, stop = max(last_end, here - wide_before), there + wide_after
        match = search(masked, position, stop)
        while match is not None and match.end() < there:
            match = search(masked, match.end(), stop)
        if match is not None and match.start() <= here:
            last_end = match.end()
            found.append(match)
    return found


def _zones(masked: str, preset: Preset) -> list[tuple[int, int]]:
    """Spans of preset.zone_re's matches, by str.find when it matches one string only."""
    literal = preset.zone_literal
    if not literal:
        return [hit.span() for hit in preset.zone_re.finditer(masked)]
    spans = []
    size = len(literal)
    find = masked.find
    at = find(literal)
    while at != -1:
        spans.append((at, at + size))
        at = find(literal, at + size)
    return spans


def _last_user_link(masked: str, link_at, start: int, end: int) -> re.Match[str] | None:
    """The last user link that lies inside ``masked[start:end]``.

    Looked for backwards from the timestamp, trying the link pattern only where a
    ``[[`` is: cheaper than matching it at every ``[[`` of the page, most of which are
    article links far from any signature.  A user link holds no ``[`` after its opening
    brackets, so links never overlap and the last one found this way is the one a
    forward scan would find.
    """
    bound = end
    while True:
        position = masked.rfind("[[", start, bound)
        if position == -1:
            return None
        link = link_at(masked, position)
        if link is not None and link.end() <= end:
            return link
        bound = position + 1  # "[[[User:X]]": the next "[[" may start one character left


# Conditional parser functions render one branch only; a substituted template can leave
# the same signature in two branches (``{{#if: ~~~~ | Thanks. ~~~~}}``).
_BRANCHING_RE = re.compile(r"\{\{[ \t\n]*#(?:if|ifeq|ifexist|ifexpr|iferror|switch)[ \t]*:", re.I)


def _drop_branch_copies(masked: str, found: list[_Signature],
                        templates: list[int]) -> list[_Signature]:
    """*found* (in text order) with repeats inside one conditional block left out.

    A signature repeats when author, time and its own text are all the same as an
    earlier one in the same ``{{#if:}}``/``{{#switch:}}`` block: one rendered comment.
    """
    drop = set()
    starts = [s.start for s in found]
    for block in _template_matches(_BRANCHING_RE, masked, templates):
        begin, end = block.start(), _template_end(masked, block.start())
        seen = set()
        for i in range(bisect_left(starts, begin), len(found)):
            sig = found[i]
            if sig.start >= end:
                break
            if sig.end > end:
                continue
            key = (sig.author, sig.timestamp, masked[sig.start:sig.end])
            if key in seen:
                drop.add(i)
            seen.add(key)
    return [s for i, s in enumerate(found) if i not in drop] if drop else found


_new_signature = tuple.__new__  # _Signature(...) without its Python-level __new__

# Times already read, by preset and by the timestamp's text: a board is parsed again at
# every revision, and its signatures' times (a datetime each) are nearly all the same.
_TIMES: dict[int, tuple[Preset, dict[str, datetime | None]]] = {}
_TIMES_MAX = 65536


def _times(preset: Preset) -> dict[str, datetime | None]:
    entry = _TIMES.get(id(preset))
    if entry is None or entry[0] is not preset:
        if len(_TIMES) >= 64:
            _TIMES.clear()
        entry = _TIMES[id(preset)] = (preset, {})
    if len(entry[1]) >= _TIMES_MAX:
        entry[1].clear()
    return entry[1]


def _signatures(masked: str, preset: Preset,
                templates: list[int] | None = None) -> list[_Signature]:
    """Every signature in *masked*, in text order (*templates*: its _template_starts)."""
    found: list[_Signature] = []
    taken: list[tuple[int, int]] = []
    if templates is None:
        templates = _template_starts(masked)
    if preset.unsigned_re is not None and templates:
        for match in _template_matches(preset.unsigned_re, masked, templates):
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

    # Each timestamp is signed by the last user link before it on its line, after the
    # previous signature and within a signature's length.
    taken_starts = [a for a, _ in taken]
    link_at = preset.user_link_re.match
    rfind = masked.rfind
    times = _times(preset)
    previous_end = 0
    for match in _timestamps(masked, preset):
        here, end = match.span()
        if taken:
            i = bisect_right(taken_starts, here) - 1
            if i >= 0 and taken[i][0] <= here < taken[i][1]:
                continue
        # A time depends on its text alone (the pattern looks at nothing beyond it).
        written = match.group()
        stamp = times.get(written, _UNKNOWN)
        if stamp is _UNKNOWN:
            stamp = times[written] = _make_time(preset, match)
        if stamp is None:
            continue
        reach = here - SIGNATURE_REACH if here > SIGNATURE_REACH else 0
        start = rfind("\n", reach, here) + 1  # bounded: one-line pages exist
        if start < previous_end:
            start = previous_end
        if start < reach:
            start = reach
        link = _last_user_link(masked, link_at, start, here)
        if link is not None:
            name, contrib = link.group("name", "contrib")
            name = name or contrib
            author = normalise_name(html.unescape(name) if "&" in name else name)
            found.append(_new_signature(_Signature, (author, stamp, link.start(), end, "link")))
        else:
            line_end = masked.find("\n", end)
            if not _END_OF_SIGNATURE_RE.fullmatch(masked, end,
                                                  line_end if line_end != -1 else len(masked)):
                continue  # a quoted date, not a signature
            found.append(_new_signature(_Signature, (None, stamp, here, end, "timestamp-only")))
        previous_end = end
    if taken:
        found.sort(key=_START)
    if templates and found:
        found = _drop_branch_copies(masked, found, templates)
    return found


def _within(signatures: list[_Signature], ends: list[int], start: int,
            end: int) -> list[_Signature]:
    """The signatures that end inside ``(start, end]``."""
    return signatures[bisect_right(ends, start):bisect_right(ends, end)]


# --------------------------------------------------------------------------- closures

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
                  signatures: list[_Signature], templates: list[int]) -> Closure | None:
    """The thread's closure: a wrapping box in its own part, else its last marker."""
    if preset.closure_re is None:
        return None
    marker = None
    for match in _template_matches(preset.closure_re, masked, templates, whole[0], whole[1]):
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

def _comments(masked: str, signatures: list[_Signature], body_start: int,
              boundaries: list[int], excluded: tuple[int, int] | None) -> tuple[Comment, ...]:
    """Turn signatures into comments: each runs from the previous boundary to its end."""
    comments = []
    cursor = body_start
    points = sorted(boundaries) if len(boundaries) > 1 else boundaries
    bi = 0
    rfind = masked.rfind
    count = len(points)
    lead = _LEAD_RE.match
    size = len(masked)
    for author, timestamp, start, end, kind in signatures:
        while bi < count and points[bi] <= start:
            if points[bi] > cursor:
                cursor = points[bi]
            bi += 1
        if excluded and excluded[0] <= start < excluded[1]:
            if end > cursor:
                cursor = end
            continue
        begin = cursor
        line_start = -1
        if begin < start:
            # Skip blank space and the rest of a line already used by an earlier signature
            # (_LEAD_RE).  The usual cases need no pattern: the previous signature ends its
            # line (skip the newline), or the comment starts right here.
            char = masked[begin]
            if char == "\n":
                if begin + 1 == start or masked[begin + 1] not in " \t\n":
                    begin += 1
                    line_start = begin
                else:
                    begin = lead(masked, begin, start).end()
            elif char in _LEAD_FIRST or char.isspace():
                begin = lead(masked, begin, start).end()
        if line_start < 0:
            line_start = rfind("\n", 0, begin) + 1
        if line_start < size and masked[line_start] not in ":*#":
            indent = 0
        else:
            indent = _INDENT_RE.match(masked, line_start).end() - line_start
        comments.append(_new_comment(author, timestamp, begin, end, indent, kind))
        cursor = end
    return tuple(comments)


def _headings(masked: str) -> list[tuple[int, int, int, str]]:
    """(start, end of line, level, raw text) for every heading line."""
    found = []
    # Only lines starting with "=" can be headings: the pattern is tried only at an "="
    # that starts a line.  str.find looks for one character at memchr speed, several
    # times faster than for "\n=" or than a regex scan.
    first = _HEADING_RE.match(masked) if masked.startswith("=") else None
    find, match = masked.find, _HEADING_LINE_RE.match
    matches = [first] if first else []
    at = find("=", 1)
    while at != -1:
        if masked[at - 1] == "\n":
            heading = match(masked, at - 1)
            if heading is not None:
                matches.append(heading)
                at = find("=", heading.end())
                continue
        at = find("=", at + 1)
    for heading in matches:
        left, inner, right = heading.group(1, 2, 3)
        if len(left) == len(right):
            level = len(left)
        else:
            level = min(len(left), len(right))
            inner = "=" * (len(left) - level) + inner + "=" * (len(right) - level)
        if not inner.strip():
            continue
        found.append((heading.start(1), heading.end(), level, inner))
    return found


def _thread_key(heading: str, comments: tuple[Comment, ...]) -> str:
    # Like DiscussionTools' topic ids: the first comment's author and time survive a
    # rename or a move; a thread nobody signed falls back to its heading.
    # The earliest signature, not the first in page order: a closing note or a moved
    # reply placed above the report must not change the thread's identity.
    first = None
    for comment in comments:  # the first of the earliest, as min() would pick
        if comment.timestamp is not None and (first is None
                                              or comment.timestamp < first.timestamp):
            first = comment
    if first is not None:
        if first.timestamp.tzinfo is timezone.utc:  # every parsed time: one form per instant
            return _comment_key(first.author or "?", first.timestamp)
        return _key("c", canonical_user_name(first.author or "?"), first.timestamp.isoformat())
    return _key("h", heading)


# A board is parsed at every revision, with nearly all its threads unchanged: their keys
# (a sha1 and an isoformat() each) are worth keeping.
@lru_cache(maxsize=65536)
def _comment_key(author: str, timestamp: datetime) -> str:
    return _key("c", canonical_user_name(author), timestamp.isoformat())


def clear_caches() -> None:
    """Forget every parse-to-parse cache (days, timestamp texts, keys, headings): the
    next parse costs what a first one does (the benchmark measures both)."""
    _DAYS.clear()
    _TIMES.clear()
    _comment_key.cache_clear()
    heading_text.cache_clear()


def _dedupe_keys(threads: list[Thread]) -> list[Thread]:
    seen: dict[str, int] = {}
    out = []
    for thread in threads:
        n = seen.get(thread.key, 0)
        seen[thread.key] = n + 1
        if n:  # a copy with the next free key, made like _new_thread makes threads
            thread = _new_thread(**{**vars(thread), "key": f"{thread.key}-{n + 1}"})
        out.append(thread)
    return out


# --------------------------------------------------------------------------- public

def _resolve(preset: str | Preset) -> Preset:
    return preset if isinstance(preset, Preset) else load_preset(preset)


# Parses running at once (threads), and whether the collector was on before the first.
_PAUSE = {"depth": 0, "was_on": False}
_PAUSE_LOCK = threading.Lock()


def _collector_paused(parse):
    """*parse* run with Python's cycle collector paused (as it was, afterwards).

    A large board makes thousands of comments, tuples and datetimes, none of them in a
    reference cycle; each few hundred of them start a collection that walks the young
    objects, and now and then every object of the process.  On the benchmark's English
    text that was about a sixth of a first parse's instructions (callgrind).  Memory
    freed by reference counting is freed as before.  The switch is the whole process's:
    overlapping parses share one pause, and the last to finish restores the collector.
    """
    @functools.wraps(parse)
    def paused(*args, **kwargs):
        with _PAUSE_LOCK:
            if _PAUSE["depth"] == 0:
                _PAUSE["was_on"] = gc.isenabled()
                gc.disable()
            _PAUSE["depth"] += 1
        try:
            return parse(*args, **kwargs)
        finally:
            with _PAUSE_LOCK:
                _PAUSE["depth"] -= 1
                if _PAUSE["depth"] == 0 and _PAUSE["was_on"]:
                    gc.enable()
    return paused


@_collector_paused
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
    templates = _template_starts(masked)
    found = _signatures(masked, conventions, templates)  # in start order
    every = sorted(found, key=_END)  # a thread takes the signatures that end inside it
    ends = [s.end for s in every]
    # Signatures overlap only in odd markup, so end order is nearly always start order
    # and a thread's share of them needs no sorting of its own.
    in_start_order = every == found
    size = len(text)
    count = len(tops)
    template_count = len(templates)
    wrap = conventions.wrap
    for index, (start, head_end, level, raw) in enumerate(tops):
        if level < 2:
            continue  # a level-1 heading ends the thread above but starts none
        end = tops[index + 1][0] if index + 1 < count else size
        body_start = head_end + 1 if head_end + 1 < end else end
        first_sub = bisect_right(heading_starts, start)
        subheadings = headings[first_sub:bisect_left(heading_starts, end, first_sub)]
        own_end = subheadings[0][0] if subheadings else end
        sigs = every[bisect_right(ends, body_start):bisect_right(ends, end)]  # _within
        if not in_start_order:
            sigs.sort(key=_START)
        # Only a thread holding a "{{" can hold a closure template.
        at = bisect_left(templates, start)
        closure = (_find_closure(masked, conventions, (start, own_end), (start, end), sigs,
                                 templates)
                   if at < template_count and templates[at] + 2 <= end else None)
        excluded = None
        boundaries = [min(h[1] + 1, end) for h in subheadings] if subheadings else []
        if closure is not None:
            if closure.template in wrap:
                line_end = masked.find("\n", closure.end)
                excluded = (closure.start, line_end if line_end != -1 else end)
            else:
                excluded = (closure.start, closure.end)  # ``{{resolved|1=~~~~}}`` signs itself
            boundaries.append(excluded[1])
        comments = _comments(masked, sigs, body_start, boundaries, excluded)
        heading = heading_text(raw)
        threads.append(_new_thread(heading, raw.strip(), start, end, comments, closure,
                                   "thread", body_start, _thread_key(heading, comments)))
    return _dedupe_keys(threads)


@_collector_paused
def parse_entries(text: str, preset: str | Preset = "enwiki") -> list[Thread]:
    """One :class:`Thread` (kind ``entry``) per report line of a list-style board.

    A line like ``* {{vandal|X}} – reason ~~~~`` is an entry about X; lines below it
    indented deeper are replies to it.  The heading is the reported name.
    """
    conventions = _resolve(preset)
    masked = mask_hidden(text)
    if conventions.entry_re is None:
        return []
    starts = list(conventions.entry_re.finditer(masked))
    if not starts:
        return []
    heading_starts = [h[0] for h in _headings(masked)]
    every = sorted(_signatures(masked, conventions, _template_starts(masked)), key=_END)
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
        sigs = sorted(_within(every, ends, start, end), key=_START)
        comments = _comments(masked, sigs, start, [], None)
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
