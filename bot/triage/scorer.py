"""Scoring one report against a language's rules: words, links, personal information.

The report is normalised once; user names and signatures are blanked (same length, so
positions stay valid); quotations and clauses are located; then every term of the
lexicon is matched.  Each match knows whether it sits inside a quotation, whether a
negation ("not a threat") or sarcasm weakens it, whether it is a work's words (a song or
a novel quoted beside its name), and becomes a line of evidence.
Structural signals (diffs cited, social-media and paste links, ``File:`` links, phone
numbers, e-mail and street addresses) add to their categories.  Personal information
is reported by kind and place only, never by value.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator
from urllib.parse import urlsplit

import phonenumbers

from bot.categories import categories
from bot.learned import LearnedModel
from bot.triage.learned import SECOND_LOOK_MODEL, load_model
from bot.triage.rules import Settlement, Term, TriageRules
from bot.triage.suggestion import SUGGESTED_AT, Suggestion
from bot.triage.weighing import CATEGORIES as WEIGHED, Weighing, load_weighing

MAX_CHARS = 100_000          # a report longer than this is read up to here
MAX_EVIDENCE = 6             # lines of evidence kept per category
_SNIPPET = 40
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
# Candidates for the phone-number parser: it is slow, so it only sees digit runs.
_PHONE_CANDIDATE_RE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,18}\d")
_DIGITS_RE = re.compile(r"\d")
_IP_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# A number its writer labels as a wiki id ("logid 401122078", "oldid: 1187766500") is no
# phone number, whatever shape it has.
_ID_LABEL_RE = re.compile(r"\b(?:log ?id|old ?id|rev ?id|revision(?: ?id)?|diff|cur ?id|page ?id|"
                          r"ticket|id)\s*[:=#]?\s*$")
_EMAILISH_RE = re.compile(r"(?<!\S)\S+@\S+")   # from a run's start only: linear in long runs
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_MASKS_RE = re.compile(r"\u2026(?:[^\w\u2026]*\u2026)+")
# Regular-expression syntax with letters in it: escapes (\b, \w, \p{L}) and group names.
_STEM_RE = re.compile(r"((?<=\(\?:)(?:[^\W\d_]+\|)*[^\W\d_]+(?=\))|[^\W\d_]+)\)?\0(?:[*+]|\{)")
_END_RE = re.compile(r"\0(?:[*+?]|\{[\d,]*\})\??([^\W\d_]+)")
# A look-ahead or look-behind without groups inside ("suizid(?!rate)\\w*") says what a
# word is not; left out, the letters around it join up again.
_LOOKAROUND_RE = re.compile(r"\(\?<?[!=][^()]*\)")
_GROUP_RE = re.compile(r"([^\W\d_]*)\(\?:((?:[^\W\d_]+\|)+[^\W\d_]+)\)(\?)?([^\W\d_]*)")
_CLASS_RE = re.compile(r"([^\W\d_]*)\[([^\W\d_]+)\]([^\W\d_]*)")
_ENDINGS = frozenset({"", "s", "es", "d", "ed", "ing", "er", "ers", "e", "en", "em", "t", "st",
                      "et", "est", "n", "ung", "ungen"})
_LONGEST_WORD = 40   # no word of a pattern is longer; longer words are never split
_OPTIONAL_RE = re.compile(r"(?:[^\W\d_]|[ \-']|\[[^\]]*\])[?*]")
_SEPARATOR_RE = re.compile(r"[ \-'][?*]")         # "e-?mails?" also spells "emails"
_KEPT_LETTER_RE = re.compile(r"([^\W\d_])\?")
_SYNTAX_RE = re.compile(r"\\(?:[pPN]\{[^}]*\}|[A-Za-z])|\(\?P?(?:<[=!]?|=)?[A-Za-z_]\w*[>)]"
                        r"|\(\?[aiLmsux-]+[:)]")
# Up to three words after a match, and up to ten of its clause before it; neither
# crosses a comma, a colon or a dash ("the butler will stab her, says my copy").
_NEXT_WORDS_RE = re.compile(r"(?:[^\w\n.!?;,:\u2013\u2014]+\w+){1,3}")
_CLAUSE_BEFORE_RE = re.compile(r"(?:\w+[^\w\n.!?;,:\u2013\u2014]+){1,10}$")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return _INVISIBLE_RE.sub("", text).casefold()


def _spaces(match: re.Match[str]) -> str:
    found = match.group(0)
    if "\n" in found:
        return re.sub(r"[^\n]", " ", found)
    return " " * len(found)


def _blank(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """Replace every match by spaces of the same length (newlines kept)."""
    for pattern in patterns:
        text = pattern.sub(_spaces, text)
    return text


def _spans(text: str, patterns: Iterable[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Merged, sorted spans of all matches of *patterns*."""
    found = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text))
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _containing(spans: list[tuple[int, int]], starts: list[int], pos: int) -> tuple[int, int] | None:
    i = bisect_right(starts, pos) - 1
    if i >= 0 and spans[i][0] <= pos < spans[i][1]:
        return spans[i]
    return None


def _snippet(match: re.Match[str]) -> str:
    """A match's words for the evidence: only the words its pattern spells out.

    A pattern's open slots (``(?:\\w+ ){0,3}``) can take a name, a town or an employer
    ("will find Mary and kill"); those words become "…", as do numbers and addresses.
    """
    vocabulary = _vocabulary(match.re.pattern)
    text = " ".join(match.group(0).split())
    text = _EMAILISH_RE.sub("[e-mail]", _DIGITS_RE.sub("#", text))
    text = _LETTERS_RE.sub(lambda word: word.group() if _spelled(word.group(), vocabulary)
                           else "\u2026", text)
    text = _MASKS_RE.sub("\u2026", text)
    return text if len(text) <= _SNIPPET else text[:_SNIPPET - 1] + "\u2026"


@lru_cache(maxsize=None)
def _vocabulary(pattern: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The words a regular expression spells out in letters, case-folded; the stems
    among them that it lets any word characters follow (``kill\\w*``); and the endings
    it lets any word characters precede (``\\w*drohung``)."""
    unlooked = _LOOKAROUND_RE.sub("", pattern)
    plain = _SYNTAX_RE.sub(" ", unlooked)
    # Read as written, with its classes and groups of letters spelled out ("wr[io]te",
    # "zustö(?:ß|ss)t"), and each without its optional pieces: "dates?" spells "date" and
    # "dates", "e-?mail" spells "email", "e" and "mail".
    forms = [plain, _CLASS_RE.sub(_spell_class, plain), _GROUP_RE.sub(_spell_group, plain)]
    words = frozenset(w.casefold() for form in forms
                      for variant in (form, _OPTIONAL_RE.sub("", form),
                                      _SEPARATOR_RE.sub("", _KEPT_LETTER_RE.sub(r"\1", form)))
                      for w in _LETTERS_RE.findall(variant))
    marked = _SYNTAX_RE.sub(" ", unlooked.replace("\\w", "\0"))   # \w kept, as NUL
    marked_forms = (marked, _OPTIONAL_RE.sub("", marked))
    stems = frozenset(stem.casefold() for form in marked_forms
                      for m in _STEM_RE.finditer(form) for stem in m.group(1).split("|"))
    ends = frozenset(m.group(1).casefold() for form in marked_forms
                     for m in _END_RE.finditer(form))
    return words, stems, ends


def _spell_group(match: re.Match[str]) -> str:
    # "zustö(?:ß|ss)t" spells "zustößt" and "zustösst"; optional, also "zustöt"
    head, choices, optional, tail = match.groups()
    words = [head + choice + tail for choice in choices.split("|")]
    return " ".join(words + ([head + tail] if optional else []))


def _spell_class(match: re.Match[str]) -> str:
    # "wr[io]te" spells "write" and "wrote": each letter of the class in turn
    head, letters, tail = match.groups()
    return " ".join(head + letter + tail for letter in letters)


def _spelled(word: str, vocabulary: tuple[frozenset[str], ...]) -> bool:
    """Whether the pattern spells *word*: one of its words, two of them joined ("stab" +
    "bing" from ``stab(?:s|bing)``), a stem it lets go on ("killing" from ``kill\\w*``)
    or an ending it lets start anywhere ("morddrohung" from ``\\w*drohung``).  A word
    that merely starts like one ("Herbert", "her") is a slot's word, not the rule's."""
    words, stems, ends = vocabulary

    def begins(part: str) -> bool:   # one of the words, or a stem's continuation
        # a short stem only takes an ending ("log" spells "logs", not "Logan")
        return part in words or any(
            part[:n] in stems and (n > 3 or part[n:] in _ENDINGS
                                   or (part[n:n + 1] == part[n - 1:n] and part[n + 1:] in _ENDINGS))
            for n in range(1, min(len(part), _LONGEST_WORD) + 1))

    word = word.casefold()
    if begins(word):
        return True
    longest = min(len(word), _LONGEST_WORD)
    if any(word[-n:] in ends or (n > 1 and word[:n] in words and begins(word[n:]))
           for n in range(1, longest)):
        return True
    return any(middle in word for middle in ends & stems)   # \w*drohung\w*


class _Report:
    """One report, prepared for matching."""

    def __init__(self, text: str, rules: TriageRules, links: Iterable[str]) -> None:
        self.truncated = len(text) > MAX_CHARS
        raw = _normalise(text[:MAX_CHARS])
        # Quotations are found before apostrophes are unified: curly quotes pair up.
        self.quotes = _spans(raw, (rules.quotes_re,))
        self.quote_starts = [s for s, _ in self.quotes]
        raw = raw.translate(_APOSTROPHES)
        extra = "\n".join(_normalise(str(link)) for link in links)
        scan = raw + ("\n" + extra if extra else "")
        self.evidence_links = len(rules.evidence_re.findall(scan))
        self.urls = rules.external_link.findall(scan)
        self.file_links = len(rules.file_link.findall(scan))
        # Terms never see links or user names: a page title or a URL decides nothing.
        self.text = _blank(raw, (rules.blank_re,))
        self.clause_starts = [0] + [m.end() for m in rules.clause_break.finditer(self.text)]
        self.sentence_starts = [0] + [m.end() for m in rules.sentence_break.finditer(self.text)]
        self.sarcastic = rules.sarcasm_set.first(self.text) is not None
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.words = rules.words

    def quoted(self, pos: int) -> tuple[int, int] | None:
        return _containing(self.quotes, self.quote_starts, pos)

    def line(self, pos: int) -> int:
        """The line number (from 1) of *pos*."""
        return bisect_right(self.line_starts, pos)

    def where(self, pos: int) -> str:
        inside = self.words["quotation"] if self.quoted(pos) else self.words["own"]
        if len(self.line_starts) > 1:
            return self.words["line"].format(line=self.line(pos), where=inside)
        return inside

    def sentence(self, pos: int) -> tuple[int, int]:
        """Start and end of the sentence holding *pos*."""
        i = bisect_right(self.sentence_starts, pos)
        end = self.sentence_starts[i] if i < len(self.sentence_starts) else len(self.text)
        return self.sentence_starts[i - 1], end

    def works_words(self, rules: TriageRules, match: re.Match[str],
                    span: tuple[int, int] | None) -> bool:
        """Whether *match* (inside the quotation *span*, if any) is a work's words: its
        sentence names a work, or a sentence just before or after the quotation does ("the
        lyrics go: ..."), and, outside a quotation, it does not make the reporter its
        target ("he will kill me, like in that film")."""
        works = rules.works_re
        begin, end = self.sentence(match.start())
        if works.search(self.text, begin, end):
            # Only asked once a work is named: most sentences name none.
            return span is not None or not self._aims_at_reporter(rules, match, begin, end)
        if span is None:
            return False
        lead = self.sentence(span[0])[0]
        closing = self.sentence(span[1])[1]
        after = self.sentence(closing)[1] if closing < len(self.text) else closing
        return bool(works.search(self.text, lead, span[0])
                    or works.search(self.text, span[1], after))

    def _aims_at_reporter(self, rules: TriageRules, match: re.Match[str],
                          begin: int, end: int) -> bool:
        """Whether a word of ``reporter_target``, outside a quotation, makes the reporter
        the target of *match* (in its sentence *begin*..*end*).  An English object follows
        its verb: the match and three words after it.  A German one may stand anywhere
        before the verb in its clause ("dass er mich nach der Premiere umbringen werde"):
        the "before" pattern."""
        if not rules.reporter_target:
            return False
        pos = match.start()
        after = _NEXT_WORDS_RE.match(self.text, match.end(), end)
        near = list(rules.reporter_target.finditer(
            self.text, pos, after.end() if after else match.end()))
        if rules.reporter_target_before:
            before = _CLAUSE_BEFORE_RE.search(self.text, max(begin, pos - 120), pos)
            if before:
                near += rules.reporter_target_before.finditer(self.text, before.start(), pos)
        return any(not self.quoted(m.start()) for m in near)

    def negated(self, rules: TriageRules, start: int) -> bool:
        clause = self.clause_starts[bisect_right(self.clause_starts, start) - 1]
        window = self.text[max(clause, start - rules.negation_window):start]
        return bool(rules.negation_cue.search(window)) and not rules.negation_exempt.search(window)


def _matches(term: Term, text: str, starts: list[int] | None) -> Iterator[re.Match[str]]:
    if starts is None:
        yield from term.pattern.finditer(text)
        return
    # The same matches as finditer: a start inside the previous match is not tried, or an
    # overlapping later match could decide the evidence (and a negation) instead.
    match_at = term.pattern.match
    end = 0
    for pos in sorted(set(starts)):
        if pos < end:
            continue
        found = match_at(text, pos)
        if found:
            end = max(found.end(), pos + 1)
            yield found


def _companions(term: Term, report: _Report,
                sentence: tuple[int, int]) -> list[re.Match[str]] | None:
    """Matches of the term's ``same_sentence`` patterns in *sentence* (its start and end),
    or None when one of them is missing there or one of its ``unless_sentence`` is there."""
    if not term.same_sentence and not term.unless_sentence:
        return []
    begin, end = sentence
    if any(p.search(report.text, begin, end) for p in term.unless_sentence):
        return None
    found = []
    for pattern in term.same_sentence:
        match = pattern.search(report.text, begin, end)
        if match is None:
            return None
        found.append(match)
    return found


def _term_hit(term: Term, report: _Report, rules: TriageRules,
              starts: list[int] | None) -> tuple[float, str, bool, bool] | None:
    """Weight and evidence of *term*, whether the match is a work's words (only asked
    for a category with a ``works_cap``) and whether it is weakened (negated, in scare
    quotes, sarcastic): its first plain match that is not a work's, else the first of
    the others, plain before weakened."""
    capped = term.category in rules.works_cap
    best: tuple[tuple[bool, bool], float, str] | None = None  # (works, weakened), ...
    # A sentence's companions are looked for once: a long sentence with many matches
    # (100 KB without a full stop) would otherwise be searched again for each of them.
    by_sentence: dict[tuple[int, int], list[re.Match[str]] | None] = {}
    for match in _matches(term, report.text, starts):
        span = report.quoted(match.start())
        if (term.where == "quoted" and not span) or (term.where == "own" and span):
            continue
        sentence = report.sentence(match.start())
        if sentence not in by_sentence:
            by_sentence[sentence] = _companions(term, report, sentence)
        companions = by_sentence[sentence]
        if companions is None:
            continue
        reasons = []
        if any(report.negated(rules, m.start()) for m in [match, *companions]):
            reasons.append(rules.words["negated"])
        if term.descriptive:
            # A quotation that holds little more than the match is scare quotes ("threat").
            if span and (span[1] - span[0]) - (match.end() - match.start()) <= 4:
                reasons.append(rules.words["scare_quotes"])
            elif report.sarcastic:
                reasons.append(rules.words["sarcastic"])
        notes = [term.says] + ([rules.words["quoted"]] if span else []) + reasons
        if term.quote:
            said = rules.words["words"].format(words=_snippet(match),
                                               notes=", ".join(notes))
        else:
            said = f"{term.says} ({', '.join([report.where(match.start()), *reasons])})"
        works = capped and report.works_words(rules, match, span)
        weight = term.weight * (rules.negated_factor.get(term.category, 0.3) if reasons else 1)
        rank = (works, bool(reasons))
        if rank == (False, False):
            return weight, said, False, False
        if best is None or rank < best[0]:
            best = rank, weight, said
    return (best[1], best[2], *best[0]) if best else None


def _domain(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    for prefix in ("www.", "m.", "mobile.", "old."):
        host = host[len(prefix):] if host.startswith(prefix) else host
    return host


def _in_domains(domain: str, domains: Iterable[str]) -> bool:
    """Whether *domain* is one of *domains* or a subdomain of one."""
    return any(domain == d or domain.endswith("." + d) for d in domains)


WITHDRAWN = 0.45   # a withdrawn suggestion's score: shown, below the suggestion line


def _second_look(text: str, rules: TriageRules, look: LearnedModel | bool,
                 scores: dict[str, float], hits: dict[str, list[tuple[float, str]]]) -> None:
    """Withdraw a suggestion the second-look model (*look*; True: the committed one)
    reads as a false alarm (learned.py)."""
    if look is True:
        look = load_model(SECOND_LOOK_MODEL)
    if rules.language not in look.languages:
        return
    for category in look.categories:
        if scores.get(category, 0.0) >= SUGGESTED_AT and \
                look.probabilities(text[:MAX_CHARS])[category] < look.threshold:
            scores[category] = min(scores[category], WITHDRAWN)
            # First in the evidence (sorted by weight), so the reader sees why at once.
            hits[category].append((float("inf"), rules.words["second_look"]))


def _weigh(rules: TriageRules, weighing: Weighing, before: dict[str, float],
           heard: dict[str, float], scores: dict[str, float],
           hits: dict[str, list[tuple[float, str]]]) -> None:
    """For each category the weighing knows, let it decide whether the category is
    suggested: withdraw a suggestion it does not hold, or make one it holds."""
    if rules.language not in weighing.languages:
        return
    for category in weighing.weights:
        holds = weighing.suggests(category, before.get(category, 0.0),
                                  heard.get(category, 0.0), rules.language)
        suggested = scores.get(category, 0.0) >= SUGGESTED_AT
        if holds and not suggested:
            scores[category] = SUGGESTED_AT
            hits.setdefault(category, []).append((float("inf"), rules.words["weighed_in"]))
        elif suggested and not holds:
            scores[category] = min(scores[category], WITHDRAWN)
            hits[category].append((float("inf"), rules.words["weighed_out"]))


def _reply_starts(report: _Report, settle: Settlement) -> list[int]:
    """Where the thread's replies start (lines that *settle.reply* opens), in order."""
    return [s for s in report.line_starts[1:] if settle.reply.match(report.text, s)]


def _settled(report: _Report, rules: TriageRules, category: str, settle: Settlement,
             replies: list[int]) -> re.Match[str] | None:
    """The match in the thread's last reply that settle *category*'s alarm as harmless,
    or None.  *replies* are the replies' starts (:func:`_reply_starts`).

    The words must be neither negated ("it isn't a joke") nor quoted, and only closing
    replies may follow theirs: an answer after them (the victim's "we are not friends")
    reopens the question.  No reply may report an action or new words
    (*settle.unless*), and no term of the category may match after their line: a joke
    confirmed and then a fresh threat is still a threat."""
    text = report.text
    if not replies or settle.unless.search(text, replies[0]):
        return None
    found = None
    for match in settle.harmless.finditer(text, replies[0]):
        if not report.quoted(match.start()) and not report.negated(rules, match.start()):
            found = match
    if found is None:
        return None
    if any(start > found.start() and not settle.closing.match(text, start)
           for start in replies):
        return None
    end = text.find("\n", found.end())
    if end != -1 and any(term.pattern.search(text, end) for term in rules.terms
                         if term.category == category):
        return None
    return found


def _disputed(report: _Report, rules: TriageRules, settle: Settlement,
              replies: list[int]) -> re.Match[str] | None:
    """The first words in a reply (not quoted, not negated) that read the alarm as
    harmless without settling it: the accused's "just a joke", an admin's "not a real
    threat", a settling reading that other replies reopened."""
    if not replies:
        return None
    for pattern in (settle.disputed, settle.harmless):
        for match in pattern.finditer(report.text, replies[0]):
            if not report.quoted(match.start()) and not report.negated(rules, match.start()):
                return match
    return None


def _reply_words(report: _Report, rules: TriageRules, words: re.Match[str],
                 personal: bool) -> str:
    """A reply's words as evidence: where they are (personal categories quote nothing),
    or what they say."""
    if personal:
        return rules.words["at_line"].format(line=report.line(words.start()))
    return rules.words["quote"].format(text=_snippet(words))


def _site(domain: str, rules: TriageRules) -> tuple[str, str] | None:
    """The kind of site *domain* belongs to and the listed domain it is one of or under
    (``tumblr.com`` for ``someone.tumblr.com``: a subdomain can be a person's handle)."""
    for kind, domains in rules.sites.items():
        for listed in domains:
            if _in_domains(domain, (listed,)):
                return kind, listed
    return None


def _phone_number(text: str, rules: TriageRules) -> int | None:
    """Position of the first real-looking phone number (the parser decides), or None."""
    for candidate in _PHONE_CANDIDATE_RE.finditer(text):
        value = candidate.group(0).strip()
        if (not 7 <= len(_DIGITS_RE.findall(value)) <= 15 or _IP_RE.fullmatch(value)
                or _ID_LABEL_RE.search(text, max(0, candidate.start() - 20), candidate.start())):
            continue
        for region in rules.phone_regions:
            try:
                number = phonenumbers.parse(value, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return candidate.start()
    return None


def _personal_email(text: str, rules: TriageRules) -> int | None:
    """Where the first e-mail address that could be someone's personal one is: not a
    public role address, nor one in the header lines of a pasted e-mail."""
    for match in rules.email.finditer(text):
        domain = match.group(0).rpartition("@")[2].casefold()
        if _in_domains(domain, rules.public_email_domains):
            continue
        line = text[text.rfind("\n", 0, match.start()) + 1:match.start()]
        if rules.email_header and rules.email_header.search(line):
            continue
        return match.start()
    return None


@dataclass(frozen=True)
class Opinions:
    """The two first opinions on one report, what the weighing is trained on: the rules'
    scores before the model's say and the model's probabilities (0 where a veto holds)."""

    rules: dict[str, float]
    model: dict[str, float]


def score_report(text: str, rules: TriageRules, *, links: Iterable[str] = (),
                 board: str | None = None, learned: bool = True,
                 model: LearnedModel | None = None,
                 second_look: LearnedModel | bool = True,
                 weighing: Weighing | bool = True) -> list[Suggestion]:
    """Suggestions for *text* under *rules* (see :func:`bot.triage.suggest_report`).

    With *learned*, the trained model (:mod:`bot.triage.learned`; *model* instead of the
    committed one) has its say too; for the categories the weighing knows (*weighing*:
    the committed one when True, none when False) rules and model are weighed together
    (:mod:`bot.triage.weighing`); then the second look (*second_look*: the committed one
    when True, none when False) may withdraw a doxxing suggestion."""
    return _score(text, rules, links=links, board=board, learned=learned, model=model,
                  second_look=second_look, weighing=weighing, keep=False)[0]


def score_with_opinions(text: str, rules: TriageRules, *, model: LearnedModel | None = None,
                        second_look: LearnedModel | bool = True,
                        weighing: Weighing | bool = True
                        ) -> tuple[list[Suggestion], Opinions]:
    """As :func:`score_report` with the model, and the report's :class:`Opinions`: what
    training the weighing needs (the model's probabilities for the weighed categories
    are read whatever the report's length)."""
    found, opinions = _score(text, rules, links=(), board=None, learned=True, model=model,
                             second_look=second_look, weighing=weighing, keep=True)
    assert opinions is not None
    return found, opinions


def _score(text: str, rules: TriageRules, *, links: Iterable[str], board: str | None,
           learned: bool, model: LearnedModel | None, second_look: LearnedModel | bool,
           weighing: Weighing | bool, keep: bool) -> tuple[list[Suggestion], Opinions | None]:
    """:func:`score_report`'s work; with *keep*, the :class:`Opinions` too."""
    if not isinstance(text, str):
        raise TypeError(f"a report's text must be a string, not {type(text).__name__}")
    if isinstance(links, (str, bytes)):
        raise TypeError("a report's links must be a list of links, not one string")
    if board is not None and not isinstance(board, str):
        raise TypeError(f"a report's board must be a page title, not {type(board).__name__}")
    report = _Report(text, rules, links)
    known = categories()
    hits: dict[str, list[tuple[float, str]]] = {}
    plain: dict[str, list[float]] = {}    # weights that add up, per category
    weakened: dict[str, float] = {}       # the strongest weakened weight, per category
    own_words: set[str] = set()    # categories with a hit that is not a work's words

    def add(category: str, weight: float, said: str, works: bool = False,
            weak: bool = False) -> None:
        hits.setdefault(category, []).append((weight, said))
        if weak:
            weakened[category] = max(weakened.get(category, 0.0), weight)
        else:
            plain.setdefault(category, []).append(weight)
        if not works:
            own_words.add(category)

    # Only terms that some word of the report can start (see bot/triage/gates.py).
    for number, starts in sorted(rules.word_starts.candidates(report.text).items()):
        term = rules.terms[number]
        hit = _term_hit(term, report, rules, starts)
        if hit:
            add(term.category, *hit)

    # Links: each kind of site counts once, named by the site's listed domain (never by
    # the path or a subdomain, which can be someone's handle).
    by_kind: dict[str, list[str]] = {}
    for url in report.urls:
        site = _site(_domain(url), rules)
        if site and site[1] not in by_kind.setdefault(site[0], []):
            by_kind[site[0]].append(site[1])
    for kind, domains in by_kind.items():
        signal = rules.signals[f"{kind}_link"]
        add(signal.category, signal.weight, f"{signal.says} ({', '.join(domains[:3])})")
    if report.file_links:
        signal = rules.signals["file_link"]
        add(signal.category, signal.weight, f"{signal.says} ({report.file_links})")

    # Personal information: what kind and where, never the value.
    street = rules.street_set.first(report.text)
    found = {"phone_number": _phone_number(report.text, rules),
             "email_address": _personal_email(report.text, rules),
             "street_address": street.start() if street else None}
    for key, pos in found.items():
        if pos is not None:
            signal = rules.signals[key]
            add(signal.category, signal.weight, f"{signal.says} ({report.where(pos)})")

    # Weakened hits count once, by the strongest: "he did not threaten to kill you" is
    # matched by several overlapping terms, and each negated match is not new evidence.
    scores: dict[str, float] = {}
    for category in hits:
        remaining = 1.0 - weakened.get(category, 0.0)
        for weight in plain.get(category, ()):
            remaining *= 1.0 - weight
        scores[category] = 1.0 - remaining

    # Violent words that are a song's or a novel's, quoted or summarised, are not a threat
    # by themselves: the rules' score stays under the line (the model may still raise it).
    capped = [category for category, cap in rules.works_cap.items()
              if scores.get(category, 0.0) > cap and category not in own_words]
    for category in capped:
        scores[category] = rules.works_cap[category]

    # The weighing decides long reports only; training (*keep*) wants its inputs always.
    weigh = None
    if learned and weighing is not False:
        weigh = load_weighing() if weighing is True else weighing
        if len(text) <= weigh.from_chars:
            weigh = None
    weighed = weigh is not None or keep
    before = dict(scores)            # the rules' say, for the weighing
    heard: dict[str, float] = {}     # the model's probabilities, vetoed ones as 0
    agreed: dict[str, float] = {}    # the model's probability where it agrees
    if learned:
        # The learned model's second opinion can only raise a score (see learned.py).
        model = model or load_model()
        if rules.language in model.languages:
            for category, p in model.probabilities(text[:MAX_CHARS]).items():
                veto = rules.learned_veto.get(category)
                at = rules.learned_at.get(category, model.threshold)
                # The veto's search only where its answer is used (a hot path).
                vetoed = bool(veto) and (p >= at or (weighed and category in WEIGHED)) \
                    and bool(veto.search(report.text))
                heard[category] = 0.0 if vetoed else p
                if p >= at and not vetoed:
                    agreed[category] = p
                    strength = "model_strongly" if p >= 0.8 else "model_moderately"
                    hits.setdefault(category, []).append((p, rules.words[strength]))
                    # At a category's own learned_at under the line, agreement suggests.
                    scores[category] = max(scores.get(category, 0.0), p, SUGGESTED_AT)

    for category in capped:
        # First in the evidence while it decides the score; right after the model's word
        # when the model raised the score, so the first line never contradicts the score.
        weight = (float("inf") if category not in agreed
                  else math.nextafter(agreed[category], 0.0))
        hits[category].append((weight, rules.words["capped"]))

    opinions = Opinions(rules=before, model=heard) if keep else None
    if weigh is not None and heard:
        _weigh(rules, weigh, before, heard, scores, hits)

    if learned and second_look is not False:
        # Before the suppressions: a withdrawn suggestion must not weaken another one.
        _second_look(text, rules, second_look, scores, hits)

    for category, settle in rules.settled_in_thread.items():
        if scores.get(category, 0.0) >= SUGGESTED_AT:
            replies = _reply_starts(report, settle)
            words = _settled(report, rules, category, settle, replies)
            if words:
                scores[category] = min(scores[category], WITHDRAWN)
                said = _reply_words(report, rules, words, known[category].personal)
                hits[category].append((float("inf"), rules.words["settled"].format(said=said)))
            elif settle.disputed is not None:
                words = _disputed(report, rules, settle, replies)
                if words:
                    # Right under the reasons that decide the score.
                    top = max((weight for weight, _ in hits[category]), default=1.0)
                    said = _reply_words(report, rules, words, known[category].personal)
                    hits[category].append((math.nextafter(top, 0.0),
                                           rules.words["disputed"].format(said=said)))

    for category, rule in rules.suppressed_by.items():
        if category in scores and any(scores.get(c, 0.0) >= rule.at for c in rule.categories):
            scores[category] *= rule.factor
            stronger = [c for c in rule.categories if scores.get(c, 0.0) >= rule.at]
            hits[category].append((0.0, rules.words["weakened"].format(
                categories=", ".join(stronger[:2]))))

    # No diffs: only a report that accuses someone needs them.
    if not report.evidence_links and (board or "").casefold() not in rules.boards_without_diffs:
        conduct = [c for c in rules.conduct_categories if scores.get(c, 0.0) >= rules.conduct_at]
        cue = rules.cues_set.first(report.text)
        if conduct or cue:
            signal = rules.signals["external_only" if report.urls else "no_evidence"]
            scores[signal.category] = max(scores.get(signal.category, 0.0), signal.weight)
            why = rules.words["conduct"].format(
                what=", ".join(conduct[:2]) if conduct
                else rules.words["quote"].format(text=_snippet(cue)))
            hits.setdefault(signal.category, []).append((signal.weight, f"{signal.says}; {why}"))

    suggestions = []
    for category, score in scores.items():
        if score <= 0:
            continue
        evidence = [said for _, said in sorted(hits[category], key=lambda h: -h[0])]
        if report.truncated:  # kept however many lines the evidence has
            evidence[MAX_EVIDENCE - 1:] = [rules.words["truncated"].format(limit=MAX_CHARS)]
        entry = known[category]
        suggestions.append(Suggestion(
            category=category, score=round(min(1.0, score), 3),
            evidence=tuple(evidence[:MAX_EVIDENCE]),
            route=rules.routes.get(category, entry.route), public=entry.public))
    suggestions.sort(key=lambda s: (-s.score, s.category))
    return suggestions, opinions
