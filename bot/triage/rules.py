"""Triage rules per language: load ``bot/data/triage/<lang>.yaml``, validate, compile.

The rules are data (lexicons with weights, quotation and negation handling, link and
personal-information signals); this module turns one file into compiled patterns once
and caches the result.  Every mistake in a rules file becomes a :class:`DataError` that
names the file, the entry and the field.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from bot import wikimedia
from bot.categories import categories
from bot.datafiles import DATA_DIR, language_file, load_yaml
from bot.errors import DataError
from bot.triage.gates import PatternSet, WordStarts, word_gate

RULES_DIR = DATA_DIR / "triage"
SCHEMA = RULES_DIR / "triage.schema.json"
_GLOBAL_FLAGS_RE = re.compile(r"^\(\?([aiLmsux]+)\)")
_SENTENCE_BREAK = r"[.!?;\n]+"   # when a rules file names none


# The evidence's own words (a rules file's evidence_words translates them), with the
# fields each one is given.
EVIDENCE_WORDS: Mapping[str, str] = {
    "own": "in the reporter's words",
    "quotation": "in a quotation",
    "line": "line {line}, {where}",
    "at_line": "line {line}",
    "quote": '"{text}"',
    "words": 'words "{words}" ({notes})',
    "quoted": "quoted",
    "negated": "negated",
    "scare_quotes": "in scare quotes",
    "sarcastic": "sarcastic tone",
    "model_strongly": "the model learned from labelled reports agrees (strongly)",
    "model_moderately": "the model learned from labelled reports agrees (moderately)",
    "capped": "capped: the words are quoted from a work (a song, a novel, a film), "
              "or summarise one",
    "second_look": "withdrawn: a second model, trained on reports where this was "
                   "suggested, reads it as a false alarm",
    "weighed_in": "suggested by the rules and the model weighed together, though "
                  "neither alone reaches the line",
    "weighed_out": "withdrawn: the rules and the model weighed together do not hold it "
                   "(learned from labelled reports)",
    "settled": "withdrawn: a later reply settles it as harmless ({said}) and no reply "
               "reports an action or new words",
    "disputed": "disputed in the thread: a reply reads it as harmless ({said}); that alone "
                "does not withdraw it, so judge it with the whole thread",
    "weakened": "weakened: the report is about {categories}",
    "conduct": "conduct alleged: {what}",
    "truncated": "only the first {limit} characters were read",
}
# The fields each wording takes, with a value of the type the scorer passes.
_EVIDENCE_FIELDS: Mapping[str, Mapping[str, object]] = {
    "line": {"line": 3, "where": "in a quotation"}, "at_line": {"line": 3},
    "quote": {"text": "x"}, "words": {"words": "x", "notes": "x"},
    "settled": {"said": "x"}, "disputed": {"said": "x"}, "weakened": {"categories": "x"},
    "conduct": {"what": "x"},
    "truncated": {"limit": 100000}}


def _evidence_words(given: Mapping[str, str], file: str) -> dict[str, str]:
    """The evidence wording: English, with the file's translations; each must show
    exactly the fields its English does, each at least once, and format them."""
    words = dict(EVIDENCE_WORDS)
    for key, text in given.items():
        fields = _EVIDENCE_FIELDS.get(key, {})
        where = f"{file}: entry evidence_words, field '{key}'"
        try:
            # Plain names only: "{line.real}" or "{line[0]}" would reach into the value.
            used = [name for _, name, _, _ in string.Formatter().parse(text)
                    if name is not None]
            bad = [name for name in used if name not in fields]
            if bad:
                raise KeyError(bad[0])
            text.format(**fields)
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise DataError(f"{where}: takes the fields {{{'}, {'.join(fields)}}} only "
                            f"({type(exc).__name__}: {exc}).") from None
        missing = [f for f in fields if f not in used]
        if missing:
            raise DataError(f"{where}: must show {', '.join('{' + f + '}' for f in missing)}.")
        words[key] = text
    return words


@dataclass(frozen=True)
class Term:
    """One weighted pattern of a category's lexicon."""

    category: str
    pattern: re.Pattern[str]
    weight: float
    says: str
    where: str = "any"          # any | quoted | own
    quote: bool = True          # may the evidence show the matched words?
    descriptive: bool = False   # names the conduct ("threatened") rather than being it
    gate: frozenset[str] | None = None  # a match starts with one of these words (speed)
    # Co-occurrence: each of these must also match in the sentence of the match, so a
    # rule can say "a harm verb, a person it targets and a future or modal marker"
    # without listing every phrasing of the three.
    same_sentence: tuple[re.Pattern[str], ...] = ()
    # ...and none of these may match there: "ich bring mich um" names the writer as the
    # one harmed by the writer, which no threat against the writer can say.
    unless_sentence: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Signal:
    """A structural signal (links, personal information) that feeds one category."""

    category: str
    weight: float
    says: str


@dataclass(frozen=True)
class Suppression:
    """Weaken a category when one of *categories* reaches *at* (content vs conduct)."""

    categories: tuple[str, ...]
    at: float
    factor: float


@dataclass(frozen=True)
class Settlement:
    """How a thread settles an alarm of one category as harmless (``settled_in_thread``)."""

    reply: re.Pattern[str]        # a reply's first characters, at the start of a line
    closing: re.Pattern[str]      # a reply that only closes the thread
    harmless: re.Pattern[str]
    unless: re.Pattern[str]
    # a harmless reading the thread offers that does not settle it (the accused's "just a
    # joke"): shown as evidence, the score unchanged; None when the file lists none
    disputed: re.Pattern[str] | None = None


@dataclass(frozen=True)
class TriageRules:
    """The compiled rules of one language file."""

    language: str
    file: str
    strip: tuple[re.Pattern[str], ...]
    quotes: tuple[re.Pattern[str], ...]
    clause_break: re.Pattern[str]
    sentence_break: re.Pattern[str]
    negation_cue: re.Pattern[str]
    negation_exempt: re.Pattern[str]
    negation_window: int
    sarcasm: tuple[re.Pattern[str], ...]
    evidence_links: tuple[re.Pattern[str], ...]
    external_link: re.Pattern[str]
    sites: Mapping[str, frozenset[str]]          # kind -> domains
    file_link: re.Pattern[str]
    phone_regions: tuple[str, ...]
    email: re.Pattern[str]
    email_header: re.Pattern[str] | None
    public_email_domains: tuple[str, ...]
    street: tuple[re.Pattern[str], ...]
    conduct_categories: tuple[str, ...]
    conduct_at: float
    conduct_cues: tuple[re.Pattern[str], ...]
    boards_without_diffs: frozenset[str]
    signals: Mapping[str, Signal]
    terms: tuple[Term, ...]
    negated_factor: Mapping[str, float]
    # A category whose every match is a work's words (a song, a novel quoted) is capped.
    works_cap: Mapping[str, float]
    suppressed_by: Mapping[str, Suppression]
    settled_in_thread: Mapping[str, Settlement]
    # Wording that says a category does not apply whatever the learned model thinks
    # ("on holiday until August" is not a goodbye): the model may not raise it then.
    learned_veto: Mapping[str, re.Pattern[str]]
    # Where the model's probability counts for a category, when not at its own threshold.
    learned_at: Mapping[str, float]
    routes: Mapping[str, str]
    words: Mapping[str, str]           # the evidence's wording (EVIDENCE_WORDS)
    word_starts: WordStarts
    # The same lists, combined or indexed once so a report is scanned fewer times.
    blank_re: re.Pattern[str]          # strip + evidence links + external links
    quotes_re: re.Pattern[str]
    works_re: re.Pattern[str]
    reporter_target: re.Pattern[str] | None          # in a match or the words after it
    reporter_target_before: re.Pattern[str] | None   # in its clause before it (German)
    evidence_re: re.Pattern[str]
    sarcasm_set: PatternSet
    cues_set: PatternSet
    street_set: PatternSet


def _compile(pattern: str, file: str, entry: str, field: str = "pattern") -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise DataError(f"{file}: entry {entry}, field '{field}': not a valid regular "
                        f"expression ({exc}).") from None


def _compile_all(patterns: list[str], file: str, entry: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_compile(p, file, f"{entry}[{i}]", "(the entry itself)")
                 for i, p in enumerate(patterns))


_DIGITS_RE = re.compile(r"[0-9]{0,3}")


def _refers_back(pattern: str) -> bool:
    """Whether *pattern* refers to a group: ``\\1``, ``(?P=name)`` or a conditional
    ``(?(1)yes|no)``.  Escapes, character classes and comments are skipped, so an octal
    escape (``\\101``), ``[(?P=]`` or a comment is no reference."""
    i, in_class = 0, False
    verbose = bool(re.match(r"\(\?[aiLmsu]*x", pattern))
    while i < len(pattern):
        char = pattern[i]
        if not in_class and (pattern.startswith("(?#", i) or (verbose and char == "#")):
            # a comment, "(?#...)" or to the line's end in verbose mode, is skipped
            end = pattern.find(")" if char == "(" else "\n", i)
            i = len(pattern) if end == -1 else end + 1
            continue
        if char == "\\":
            digits = _DIGITS_RE.match(pattern, i + 1).group()
            octal = digits.startswith("0") or (len(digits) == 3 and max(digits) <= "7")
            if digits and not octal and not in_class:
                return True
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 + pattern.startswith("^", i + 1)
            if pattern.startswith("]", i):   # "[]...]" and "[^]...]": a literal "]"
                i += 1
            continue
        elif pattern.startswith(("(?P=", "(?("), i):
            return True
        i += 1
    return False


def _combine(patterns: Iterable[re.Pattern[str]], file: str, entry: str) -> re.Pattern[str]:
    """One alternation of already validated patterns (global flags made local).

    Joined, a pattern's group numbers and names are no longer its own, so entries of
    a joined list may not refer back to a group or name one."""
    parts = []
    for i, pattern in enumerate(patterns):
        text = pattern.pattern
        if pattern.groupindex or _refers_back(text):
            raise DataError(f"{file}: entry {entry}[{i}], field '(the entry itself)': a "
                            f"pattern of this list is joined with the others, so it may "
                            f"not name a group ((?P<name>...)) or refer back to one "
                            f"(\\1, (?P=name), (?(1)...)); use (?:...) instead.")
        if pattern.flags & re.VERBOSE:
            text += "\n"   # it may end in a comment, which would swallow a closing ")"
        flags = _GLOBAL_FLAGS_RE.match(text)
        if flags:
            text = f"(?{flags.group(1)}:{text[flags.end():]})"
        parts.append(f"(?:{text})")
    try:
        return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)
    except re.error as exc:  # each part compiled alone; joined, one still may not
        raise DataError(f"{file}: entry {entry}, field '(the entry itself)': the list's "
                        f"patterns do not join into one ({exc}).") from None


def _join_list(patterns: list[str], file: str, entry: str) -> re.Pattern[str]:
    """The patterns of one list of a rules file, validated one by one, then joined."""
    return _combine(_compile_all(patterns, file, entry), file, entry)


def rules_path(lang: str, directory: str | Path | None = None) -> Path:
    """Where the rules for *lang* live (``<directory>/<lang>.yaml``)."""
    return language_file(directory or RULES_DIR, lang, "triage rules")


@lru_cache(maxsize=None)
def load_rules(lang: str = "en", directory: str | Path | None = None) -> TriageRules:
    """The compiled triage rules for *lang*, read once and cached.

    *directory* reads ``<lang>.yaml`` from another folder (tests, a deployment's own
    rules); the schema is always ours.
    """
    return _load(str(rules_path(lang, directory).resolve()))


def clear_cache() -> None:
    """Forget loaded rules (after editing a rules file in a running process)."""
    wikimedia.forget()
    load_rules.cache_clear()
    _load.cache_clear()


@lru_cache(maxsize=None)
def _load(path_text: str) -> TriageRules:
    path = Path(path_text)
    data = load_yaml(path, SCHEMA, what="triage rules file")
    name = path.name
    known = categories()
    for category in data["categories"]:
        if category not in known:  # the schema knows the ids too; this catches drift
            raise DataError(f"{name}: entry categories.{category}, field '(the entry "
                            f"itself)': not a category of bot/data/categories.yaml.")

    terms: list[Term] = []
    negated: dict[str, float] = {}
    works_cap: dict[str, float] = {}
    suppressed: dict[str, Suppression] = {}
    settled: dict[str, Settlement] = {}
    vetoes: dict[str, re.Pattern[str]] = {}
    learned_at: dict[str, float] = {}
    for category, spec in data["categories"].items():
        negated[category] = float(spec.get("negated_factor", 0.3))
        if "works_cap" in spec:
            works_cap[category] = float(spec["works_cap"])
        if "learned_at" in spec:
            learned_at[category] = float(spec["learned_at"])
        if spec.get("learned_veto"):
            vetoes[category] = _join_list(spec["learned_veto"], name,
                                          f"categories.{category}.learned_veto")
        if "suppressed_by" in spec:
            s = spec["suppressed_by"]
            suppressed[category] = Suppression(tuple(s["categories"]), float(s["at"]),
                                               float(s["factor"]))
        if "settled_in_thread" in spec:
            s = spec["settled_in_thread"]
            where = f"categories.{category}.settled_in_thread"
            settled[category] = Settlement(
                reply=_compile(s["reply"], name, where, "reply"),
                closing=_join_list(s["closing"], name, f"{where}.closing"),
                harmless=_join_list(s["harmless"], name, f"{where}.harmless"),
                unless=_join_list(s["unless"], name, f"{where}.unless"),
                disputed=(_join_list(s["disputed"], name, f"{where}.disputed")
                          if s.get("disputed") else None))
        for i, term in enumerate(spec["terms"]):
            where = f"categories.{category}.terms[{i}]"
            pattern = _compile(term["pattern"], name, where)
            also = tuple(_compile(p, name, where, f"same_sentence[{j}]")
                         for j, p in enumerate(term.get("same_sentence", ())))
            unless = tuple(_compile(p, name, where, f"unless_sentence[{j}]")
                           for j, p in enumerate(term.get("unless_sentence", ())))
            shared = dict(same_sentence=also, unless_sentence=unless, category=category,
                          weight=float(term["weight"]), says=term["says"],
                          # personal information is never quoted (categories.yaml)
                          quote=term.get("quote", True) and not known[category].personal,
                          descriptive=term.get("descriptive", False))
            if "own_subject" not in term:
                terms.append(Term(pattern=pattern, gate=word_gate(pattern),
                                  where=term.get("where", "any"), **shared))
                continue
            # One wording, two readings: quoted, the words are the threat ("I'll bring my
            # gun"); in the reporter's own words only someone else's act named before
            # them is ("he said he'd bring his gun"), not the reporter's own plans.
            if "where" in term:
                raise DataError(f"{name}: entry {where}, field 'own_subject': a term with "
                                f"an own_subject is read in quotations and in the "
                                f"reporter's own words, so it takes no 'where'.")
            subject = _compile(term["own_subject"], name, where, "own_subject")
            own = _compile(f"(?:{subject.pattern})(?:{pattern.pattern})", name, where)
            terms.append(Term(pattern=pattern, gate=word_gate(pattern), where="quoted",
                              **shared))
            terms.append(Term(pattern=own, gate=word_gate(own), where="own", **shared))

    # Account-naming templates come from the shared list (bot/data/wikimedia.yaml); idioms
    # that borrow violent words ("shoot me an e-mail") are blanked the same way.
    strip = (_compile(wikimedia.user_template_pattern(), "wikimedia.yaml", "user_templates"),
             *_compile_all(data["strip"], name, "strip"),
             *_compile_all(data.get("idioms", ()), name, "idioms"))
    quotes = _compile_all(data["quotes"], name, "quotes")
    works = _compile_all(data.get("works", ()), name, "works")
    sarcasm = _compile_all(data["sarcasm"], name, "sarcasm")
    evidence = _compile_all(data["evidence_links"], name, "evidence_links")
    external = _compile(data["external_link"], name, "external_link", "external_link")
    negation = data["negation"]
    info = data["personal_info"]
    need = data["needs_evidence"]
    return TriageRules(
        language=data["language"], file=name,
        strip=strip, quotes=quotes,
        clause_break=_compile(data["clause_break"], name, "clause_break", "clause_break"),
        sentence_break=_compile(data.get("sentence_break", _SENTENCE_BREAK), name,
                                "sentence_break", "sentence_break"),
        negation_cue=_compile(negation["cue"], name, "negation", "cue"),
        negation_exempt=_compile(negation["exempt"], name, "negation", "exempt"),
        negation_window=int(negation["window"]),
        sarcasm=sarcasm, evidence_links=evidence, external_link=external,
        sites={kind: frozenset(domains) for kind, domains in data["sites"].items()},
        file_link=_compile(data["file_link"], name, "file_link", "file_link"),
        phone_regions=tuple(info["phone_regions"]),
        email=_compile(info["email"], name, "personal_info", "email"),
        email_header=(_compile(info["email_header"], name, "personal_info", "email_header")
                      if "email_header" in info else None),
        public_email_domains=wikimedia.public_email_domains(),
        street=_compile_all(info["street"], name, "personal_info.street"),
        conduct_categories=tuple(need["conduct_categories"]),
        conduct_at=float(need["conduct_at"]),
        conduct_cues=_compile_all(need["cues"], name, "needs_evidence.cues"),
        boards_without_diffs=frozenset(b.casefold() for b in need["boards_without_diffs"]),
        signals={key: Signal(**value) for key, value in data["signals"].items()},
        terms=tuple(terms), negated_factor=negated, works_cap=works_cap,
        suppressed_by=suppressed, settled_in_thread=settled,
        learned_veto=vetoes, learned_at=learned_at,
        routes=dict(data.get("routes") or {}),
        words=_evidence_words(data.get("evidence_words") or {}, name),
        word_starts=WordStarts(t.gate for t in terms),
        blank_re=_combine((*strip, *evidence, external), name,
                          "strip + idioms + evidence_links + external_link"),
        quotes_re=_combine(quotes, name, "quotes"),
        works_re=_combine(works, name, "works"),
        reporter_target=(_compile(data["reporter_target"]["after"], name, "reporter_target",
                                  "after") if "reporter_target" in data else None),
        reporter_target_before=(_compile(data["reporter_target"]["before"], name,
                                         "reporter_target", "before")
                                if "before" in data.get("reporter_target", {}) else None),
        evidence_re=_combine(evidence, name, "evidence_links"), sarcasm_set=PatternSet(sarcasm),
        cues_set=PatternSet(_compile_all(need["cues"], name, "needs_evidence.cues")),
        street_set=PatternSet(_compile_all(info["street"], name, "personal_info.street")))
