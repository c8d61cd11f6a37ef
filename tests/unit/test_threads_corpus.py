"""bot.threads on real discussion wikitext, against labels written by reading the pages.

Corpus: ``tests/data/threads/real/<name>.wikitext`` (a real talk page or board, English
or German Wikipedia, CC BY-SA) with ``<name>.yaml`` beside it: source repository, path and
licence, the preset, the split (``dev`` or ``heldout``), and per level-2 thread its
heading and its comments as ``[author, "YYYY-MM-DDTHH:MMZ"]`` in page order.  A page too
long to label whole is ``partial: true`` and lists only the threads that were labelled.

Labelling rules (decided before any parser ran on the page):

* one comment per signature: a user link (User:, User talk:, Special:Contributions/, in
  any spelling the wiki accepts) followed on the line by a timestamp, or an
  ``{{unsigned}}``-style note; the last user link before the timestamp signs;
* a timestamp signed with a bare, unlinked name has author ``null`` (nothing in the text
  proves the name is an account);
* a third item ``out-of-format`` marks a real signature whose date is not written in the
  wiki's signature format (2005-era ``May 28, 2005``, ``(UTC-7)``); month spellings of the
  same format (``14 Dec 2004``, ``7. Dez 2004``) are in format;
* a third item ``optional`` marks what a reasonable parser may take either way: the
  signature inside a closing template, a talkback time, signatures in copied text.

Scores per file, author and timestamp both compared (minute precision, UTC):

* recall = in-format labelled comments found / in-format labelled comments;
* precision = found comments that match a labelled comment (in-format or out-of-format)
  / found comments that are not optional matches.

Threshold 0.95 for both, per file.  Why: a systematic fault (a namespace alias, a date
form, a signature layout the parser does not know) costs a real page far more than 5 %,
because talk pages repeat their regulars' signatures; 5 % leaves room for the one or two
genuinely odd signatures a page of 30-70 comments has (a template that renders a
signature twice, a copied comment).  For a bot that attributes reports, a per-page miss
rate above 1 in 20 would be noticed by the people using it.

On failure the test prints every missed and unexpected comment with its thread.  A page
whose YAML names a ``known_parser_gap`` (a parser or preset fault, reported with a minimal
input) is a strict xfail: it fails the suite again the moment the gap is fixed, so the
field is removed with the fix.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from bot.threads import parse_threads

CORPUS = Path(__file__).resolve().parent.parent / "data" / "threads" / "real"
THRESHOLD = 0.95
FLAGS = ("out-of-format", "optional")


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=timezone.utc)


@dataclass
class Page:
    """One labelled corpus page."""

    name: str
    text: str
    meta: dict

    @property
    def preset(self) -> str:
        return self.meta["preset"]

    @property
    def partial(self) -> bool:
        return bool(self.meta.get("partial"))

    @property
    def split(self) -> str:
        return self.meta["split"]


def load_corpus(directory: Path = CORPUS) -> list[Page]:
    """Every ``*.wikitext`` with its ``*.yaml`` labels, sorted by name."""
    pages = []
    for path in sorted(directory.glob("*.wikitext")):
        meta = yaml.safe_load(path.with_suffix(".yaml").read_text(encoding="utf-8"))
        for key in ("source", "licence", "preset", "split", "threads"):
            if key not in meta:
                raise ValueError(f"{path.with_suffix('.yaml')}: missing {key!r}")
        for thread in meta["threads"]:
            for comment in thread["comments"]:
                if len(comment) == 3 and comment[2] not in FLAGS:
                    raise ValueError(f"{path.name}: unknown flag {comment[2]!r} in {thread['heading']!r}")
        pages.append(Page(path.stem, path.read_text(encoding="utf-8"), meta))
    return pages


Key = tuple  # (author or None, datetime) or (datetime,) when authors are ignored


@dataclass
class Score:
    """Counts for one page (or a sum of pages)."""

    required: int = 0      # in-format labelled comments
    out_of_format: int = 0
    found_required: int = 0
    found_out_of_format: int = 0
    false_positives: int = 0
    headings_missed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found_required / self.required if self.required else 1.0

    @property
    def recall_all(self) -> float:
        total = self.required + self.out_of_format
        return (self.found_required + self.found_out_of_format) / total if total else 1.0

    @property
    def precision(self) -> float:
        good = self.found_required + self.found_out_of_format
        return good / (good + self.false_positives) if good + self.false_positives else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(*(getattr(self, f) + getattr(other, f) for f in (
            "required", "out_of_format", "found_required", "found_out_of_format",
            "false_positives", "headings_missed")), problems=self.problems + other.problems)


def _key(author: str | None, stamp: datetime | None, authors: bool) -> Key:
    return (author, stamp) if authors else (stamp,)


def score_threads(page: Page, found: list[tuple[str, list[tuple[str | None, datetime | None]]]],
                  authors: bool = True) -> Score:
    """Compare (heading, [(author, timestamp)]) per thread, as any splitter found them,
    with the page's labels.  ``authors=False`` compares timestamps only."""
    score = Score()
    used = [False] * len(found)
    cursor = 0
    for want in page.meta["threads"]:
        index = next((i for i in range(cursor, len(found))
                      if not used[i] and found[i][0] == want["heading"]), None)
        if index is None:  # headings can move; fall back to any unused one
            index = next((i for i in range(len(found))
                          if not used[i] and found[i][0] == want["heading"]), None)
        required, late, optional = Counter(), Counter(), Counter()
        for comment in want["comments"]:
            key = _key(comment[0], _time(comment[1]), authors)
            flag = comment[2] if len(comment) == 3 else None
            {None: required, "out-of-format": late, "optional": optional}[flag][key] += 1
        score.required += sum(required.values())
        score.out_of_format += sum(late.values())
        if index is None:
            score.headings_missed += 1
            score.problems.append(f"heading not found: {want['heading']!r} "
                                  f"({sum(required.values())} comments lost)")
            continue
        used[index] = True
        cursor = index + 1
        got = Counter(_key(a, t, authors) for a, t in found[index][1])
        hit = got & required
        rest = got - hit
        hit_late = rest & late
        rest -= hit_late
        rest -= rest & optional
        score.found_required += sum(hit.values())
        score.found_out_of_format += sum(hit_late.values())
        score.false_positives += sum(rest.values())
        for key in sorted((required - hit).elements(), key=str):
            score.problems.append(f"missed in {want['heading']!r}: {_show(key)}")
        for key in sorted(rest.elements(), key=str):
            score.problems.append(f"unexpected in {want['heading']!r}: {_show(key)}")
    if not page.partial:
        for index, (heading, comments) in enumerate(found):
            if not used[index]:
                score.false_positives += len(comments)
                score.problems.append(f"unlabelled thread {heading!r} with {len(comments)} comments")
    return score


def _show(key: Key) -> str:
    stamp = key[-1].strftime("%Y-%m-%dT%H:%MZ") if key[-1] else None
    return f"{key[0]!r} {stamp}" if len(key) == 2 else f"{stamp}"


def score_page(page: Page) -> Score:
    """bot.threads.parse_threads on one page, authors and timestamps compared."""
    threads = parse_threads(page.text, page.preset)
    found = [(t.heading, [(c.author, c.timestamp) for c in t.comments]) for t in threads]
    return score_threads(page, found)


PAGES = load_corpus()


def test_corpus_is_real_sourced_and_large_enough():
    assert len(PAGES) >= 8
    assert {p.preset for p in PAGES} >= {"enwiki", "dewiki"}
    assert {p.split for p in PAGES} == {"dev", "heldout"}
    assert sum(len(p.text.encode()) for p in PAGES) > 100_000
    for page in PAGES:
        source = page.meta["source"]
        assert source.get("repository") and source.get("path") and source.get("page"), page.name
        assert "CC BY-SA" in page.meta["licence"], page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_labels_are_consistent(page):
    """Labels name threads that exist in the text and times that are plausible."""
    for thread in page.meta["threads"]:
        assert thread["heading"], page.name
        for comment in thread["comments"]:
            stamp = _time(comment[1])
            assert stamp is None or 2001 <= stamp.year <= 2030, (page.name, comment)
    if not page.partial:
        assert len(page.meta["threads"]) == len([h for h in _level2_lines(page.text)])


def _level2_lines(text: str) -> list[str]:
    # An independent count of level-2 heading lines, for full pages only.
    return [line for line in text.split("\n")
            if line.startswith("==") and not line.startswith("===")
            and line.rstrip().endswith("==")]


def _with_known_gaps(pages: list[Page]) -> list:
    return [pytest.param(p, id=p.name, marks=pytest.mark.xfail(
        strict=True, reason=p.meta["known_parser_gap"])) if p.meta.get("known_parser_gap")
        else pytest.param(p, id=p.name) for p in pages]


@pytest.mark.parametrize("page", _with_known_gaps(PAGES))
def test_comment_recall_and_precision(page):
    score = score_page(page)
    report = (f"{page.name} ({page.split}): recall {score.recall:.3f} "
              f"({score.found_required}/{score.required}), precision {score.precision:.3f} "
              f"({score.false_positives} unexpected), headings missed {score.headings_missed}\n  "
              + "\n  ".join(score.problems))
    print(report)
    assert score.headings_missed == 0, report
    assert score.recall >= THRESHOLD, report
    assert score.precision >= THRESHOLD, report
