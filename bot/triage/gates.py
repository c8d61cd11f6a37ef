"""Cheap pre-checks that let the scorer skip patterns which cannot match a report.

Python's regular expressions are slow to scan for a pattern that starts with ``\\b``
(no literal-prefix search), and a language's lexicon has a couple of hundred of them.
Most terms begin with a word boundary and a literal word (``\\b(?:kill|murder)\\s+...``),
so a term can only match if some word of the report starts with one of those literals.
The literals are read from the compiled pattern itself, so the rules files need no
extra field; a pattern whose start is not a literal is simply never skipped.
"""

from __future__ import annotations

import re
from typing import Iterable

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_LITERAL = sre_constants.LITERAL
_SUBPATTERN = sre_constants.SUBPATTERN
_BRANCH = sre_constants.BRANCH
_AT = sre_constants.AT
_AT_BOUNDARY = sre_constants.AT_BOUNDARY
_MIN_GATE = 1
WORD_RE = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


def _starts(items: list) -> set[str] | None:
    """Leading literal words of a parsed sequence, or None when one may be absent.

    A literal run followed by a group or an alternation is extended into it, so the
    parser's factoring (``won't|will`` -> ``w(?:on't|ill)``) does not shorten gates.
    """
    run = ""
    for index, (op, av) in enumerate(items):
        if op is _LITERAL and _WORD_CHAR.match(chr(av)):
            run += chr(av).casefold()
            continue
        if op is _SUBPATTERN or op is _BRANCH:
            sub = _group_starts(op, av)
            if sub:
                return {run + s for s in sub}
        break
    return {run} if len(run) >= _MIN_GATE else None


def _group_starts(op, av) -> set[str] | None:
    if op is _SUBPATTERN:
        return _starts(list(av[3].data))
    found: set[str] = set()
    for branch in av[1]:
        sub = _starts(list(branch.data))
        if sub is None:
            return None
        found |= sub
    return found


def _branch_words(items: list) -> set[str] | None:
    """Words for a sequence that must begin with ``\\b`` then a literal word."""
    if items and items[0] == (_AT, _AT_BOUNDARY):
        return _starts(items[1:])
    if len(items) == 1 and items[0][0] is _BRANCH:  # top-level a|b, each with its own \b
        found: set[str] = set()
        for branch in items[0][1][1]:
            sub = _branch_words(list(branch.data))
            if sub is None:
                return None
            found |= sub
        return found
    if items and items[0][0] is _SUBPATTERN and len(items) == 1:
        return _branch_words(list(items[0][1][3].data))
    return None


def word_gate(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal word starts one of which every match begins with, or None (always run)."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unparseable gate only costs speed
        return None
    words = _branch_words(list(parsed.data))
    return frozenset(words) if words else None


class WordStarts:
    """An index from gate words to the patterns they open, for one list of gates."""

    def __init__(self, gates: Iterable[frozenset[str] | None]) -> None:
        index: dict[str, list[int]] = {}
        always: list[int] = []
        for number, gate in enumerate(gates):
            if gate is None:
                always.append(number)
            for word in gate or ():
                index.setdefault(word, []).append(number)
        self.index = {word: tuple(numbers) for word, numbers in index.items()}
        self.always = tuple(always)
        self.lengths = tuple(sorted({len(w) for w in self.index}))
        # Every prefix of a gate word: a word whose first n letters are not one of
        # these cannot start any gate word longer than n either.
        self.prefixes = frozenset(w[:n] for w in self.index for n in range(1, len(w) + 1))

    def candidates(self, text: str) -> dict[int, list[int] | None]:
        """Patterns that may match *text*: number -> word starts to try (None: anywhere).

        A gated pattern can only match where a word begins with one of its gate words,
        so the scorer tries ``pattern.match(text, pos)`` there instead of scanning.
        """
        found: dict[int, list[int] | None] = {number: None for number in self.always}
        index, lengths, prefixes = self.index, self.lengths, self.prefixes
        for match in WORD_RE.finditer(text):
            word, start = match.group(), match.start()
            size = len(word)
            for n in lengths:
                if n > size or word[:n] not in prefixes:
                    break
                for number in index.get(word[:n], ()):
                    found.setdefault(number, []).append(start)  # type: ignore[union-attr]
        return found


class PatternSet:
    """Several patterns asked one question: where does the first of them match?"""

    def __init__(self, patterns: Iterable[re.Pattern[str]]) -> None:
        self.patterns = tuple(patterns)
        self.starts = WordStarts(word_gate(p) for p in self.patterns)

    def first(self, text: str) -> re.Match[str] | None:
        """The earliest match of any pattern in *text* (None when none matches)."""
        best: re.Match[str] | None = None
        for number, starts in self.starts.candidates(text).items():
            pattern = self.patterns[number]
            if starts is None:
                found = pattern.search(text)
            else:
                found = next((m for pos in sorted(set(starts))
                              for m in [pattern.match(text, pos)] if m), None)
            if found and (best is None or found.start() < best.start()):
                best = found
        return best
