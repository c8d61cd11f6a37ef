"""Reporter history and repeated-report patterns, flagged privately for functionaries.

Each report the watcher sees becomes a :class:`ReportRecord`; how its thread was closed
becomes an outcome (:func:`classify_outcome`, rules in ``data/reporters/outcomes.*.yaml``).
:func:`find_repeat_reporters` looks for patterns in one reporter's history, across
boards and wikis, under a conservative :class:`Policy` (``data/reporters/policy.yaml``):

* never on one report; ``unknown`` outcomes and closures by untrusted accounts never count;
* a reporter whose decided reports were mostly actioned is never flagged at all;
* withdrawn reports never count against anyone.

A :class:`Flag` is a suggestion for a functionary to look at, not a finding: the
rendered text (:func:`render_flag`) says so, lists the evidence and is for private
destinations only.  :func:`should_notify` makes "once per new piece of evidence" and
"a dismissed flag stays quiet" decidable from stored keys alone.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from bot import wikitext
from bot.datafiles import DATA_DIR, LANGUAGE_RE, load_yaml
from bot.errors import DataError
from bot.rendering import render
from bot.threads import EXTERNAL_LINK_RE
from bot.usernames import canonical_user_name, is_ip

REPORTERS_DIR = DATA_DIR / "reporters"
SCHEMA = REPORTERS_DIR / "reporters.schema.json"
POLICY_FILE = REPORTERS_DIR / "policy.yaml"

OUTCOMES = ("actioned", "no-action", "unfounded", "boomerang", "withdrawn", "duplicate",
            "unknown")
EVIDENCE_KINDS = ("unfounded-reports", "boomerang", "same-target", "forum-shopping", "burst")
# Outcomes that carry a trusted closer's judgement of the report itself.
DECIDED = frozenset({"actioned", "no-action", "unfounded", "boomerang"})


# --------------------------------------------------------------------------- records

@dataclass(frozen=True)
class ReportRecord:
    """One report on a board and how it ended.

    ``reporter`` is the account that saved the revision adding the report (signatures
    can be forged).  ``outcome`` is set by the caller (from :func:`classify_outcome`,
    the block log or a functionary's correction); ``None`` counts as ``unknown``.
    ``closer_trusted`` is false when the closer is not in a trusted group: such an
    outcome never counts.  ``link`` is an optional page title with anchor (with an
    interwiki prefix for other wikis) for the private flag.
    """

    wiki: str
    board: str
    thread_key: str
    reporter: str
    targets: tuple[str, ...]
    opened: datetime
    closed: datetime | None = None
    closure_result: str | None = None
    outcome: str | None = None
    complaint_hash: str | None = None
    closer: str | None = None
    closer_trusted: bool = True
    link: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(self.targets))
        for name in ("opened", "closed"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"ReportRecord.{name} must be timezone-aware (UTC)")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}; expected one of {OUTCOMES}")

    @property
    def key(self) -> str:
        """Identity of the report: wiki, board and thread."""
        return f"{self.wiki}|{self.board}|{self.thread_key}"


def reporter_id(name: str) -> str:
    """The identity reports are grouped by.

    Wikimedia accounts are global (SUL), so the same canonical name on two wikis is
    the same person.  IPs are grouped by the exact address only: neighbouring
    addresses may be different people, so ranges are deliberately not merged.
    """
    return canonical_user_name(name)


# --------------------------------------------------------------------------- outcomes

@dataclass(frozen=True)
class _OutcomeRules:
    strip: tuple[re.Pattern[str], ...]
    clause_split: re.Pattern[str]
    precedence: tuple[str, ...]
    match: Mapping[str, tuple[re.Pattern[str], ...]]
    unless: Mapping[str, tuple[re.Pattern[str], ...]]


def _compile(pattern: str, file: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise DataError(f"{file}: entry {where}, field 'pattern': not a valid regular "
                        f"expression ({exc}).") from None


@lru_cache(maxsize=None)
def outcome_rules(lang: str = "en") -> _OutcomeRules:
    """The compiled result-text rules for *lang* (``outcomes.<lang>.yaml``)."""
    if not LANGUAGE_RE.fullmatch(lang):
        raise DataError(f"outcomes: language code {lang!r} is not a language code.")
    path = REPORTERS_DIR / f"outcomes.{lang}.yaml"
    data = load_yaml(path, SCHEMA, definition="outcomes", what="outcome rules")
    name = path.name
    match, unless = {}, {}
    for outcome, rule in data["rules"].items():
        match[outcome] = tuple(_compile(p, name, f"rules.{outcome}.match[{i}]")
                               for i, p in enumerate(rule["match"]))
        unless[outcome] = tuple(_compile(p, name, f"rules.{outcome}.unless[{i}]")
                                for i, p in enumerate(rule.get("unless", ())))
    missing = [o for o in data["precedence"] if o not in match]
    if missing:
        raise DataError(f"{name}: entry precedence, field '{missing[0]}': no rule for it.")
    return _OutcomeRules(
        strip=tuple(_compile(p, name, f"strip[{i}]") for i, p in enumerate(data["strip"])),
        clause_split=_compile(data["clause_split"], name, "clause_split"),
        precedence=tuple(data["precedence"]), match=match, unless=unless)


# A link may not cross a "[": an unclosed one would otherwise be scanned to the end of
# the text again for every later "[" (a closing text of "[[a " x 12,000 took 2 s).
_LINK_RE = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]")
_TEMPLATE_RE = re.compile(r"\{\{\s*(?:subst:)?([^{}]*)\}\}")
_MARKUP_RE = re.compile(r"'{2,}|<[^>]{0,200}>|&nbsp;")


def _plain(text: str, rules: _OutcomeRules) -> str:
    text = unicodedata.normalize("NFKC", text)
    for pattern in rules.strip:  # signatures and user links: names must not match rules
        text = pattern.sub(" ", text)
    text = _LINK_RE.sub(r"\1", text)
    text = EXTERNAL_LINK_RE.sub(r"\1", text)
    for _ in range(3):  # nested templates, innermost first
        text = _TEMPLATE_RE.sub(lambda m: " " + m.group(1).replace("|", " ") + " ", text)
    text = _MARKUP_RE.sub(" ", text)
    return " ".join(text.casefold().replace("\u2019", "'").split())


def classify_outcome(result_text: str, *, lang: str = "en") -> str:
    """The outcome a closing result text states, one of :data:`OUTCOMES`.

    The text is cut into clauses; each outcome's patterns are tried per clause (a
    clause that also matches the outcome's ``unless`` patterns, e.g. a negation, does
    not count), and the first outcome in the file's precedence that any clause states
    wins.  Texts that state nothing recognisable are ``unknown``, which never counts.
    """
    rules = outcome_rules(lang)
    plain = _plain(result_text or "", rules)
    found: set[str] = set()
    for clause in rules.clause_split.split(plain):
        clause = clause.strip()
        if not clause:
            continue
        for outcome in rules.precedence:
            if outcome in found:
                continue
            if any(p.search(clause) for p in rules.match[outcome]) and \
                    not any(p.search(clause) for p in rules.unless[outcome]):
                found.add(outcome)
    return next((o for o in rules.precedence if o in found), "unknown")


# --------------------------------------------------------------------------- complaints

_FP_VERSION = "bk1"
_FP_SIZE = 64  # sketch size: the k smallest shingle hashes
# A user link stops at the next "[": one unclosed "[[User:" then no longer scans the rest
# of the text for each later one (quadratic).  Only malformed links read differently, so
# stored fingerprints stay comparable (the version stays bk1).
_SIG_RE = re.compile(
    r"\[\[\s*(?:user|user talk|benutzer|benutzerin|benutzer diskussion|benutzerin diskussion"
    r"|special:contrib\w*|spezial:beiträge)\s*:[^\[\]]*\]\]"
    r"|\{\{\s*(?:unsigned|unsigniert)[^{}]*\}\}|~{3,5}"
    r"|\d{1,2}:\d{2}(?:, \d{1,2}\.? [^\W\d_]+\.? \d{4})?(?: \((?:utc|cet|cest|mez|mesz)\))?",
    re.IGNORECASE)
_TOKEN_RE = re.compile(r"\w+")


def complaint_tokens(text: str) -> list[str]:
    """The words of a complaint without signatures, timestamps and markup."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _SIG_RE.sub(" ", text)
    return _TOKEN_RE.findall(text.casefold().replace("_", " "))


def _shingle_hash(shingle: str) -> int:
    # A keyed, fixed hash (not hash()): fingerprints are stored and compared across
    # runs and machines.
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4,
                                          key=b"reporters").digest(), "big")


def complaint_fingerprint(text: str) -> str:
    """A stored fingerprint of a complaint, robust to signatures, dates and small edits.

    A bottom-k sketch (the 64 smallest hashes of the complaint's word pairs):
    :func:`fingerprint_similarity` of two sketches estimates the share of word pairs
    two complaints have in common (Jaccard), so the same complaint posted on two
    boards with a few words changed still matches.  Only hashes are kept, never the
    text.  Format: ``bk1:<word-pair count>:<up to 64 x 8 hex digits, ascending>``.
    """
    tokens = complaint_tokens(text)
    # Word pairs: on our corpus they kept edited copies of a complaint about 0.7
    # similar and unrelated complaints below 0.2; triples lost too much to small edits.
    if len(tokens) >= 2:
        shingles = {" ".join(tokens[i:i + 2]) for i in range(len(tokens) - 1)}
    else:
        shingles = set(tokens)
    smallest = sorted({_shingle_hash(s) for s in shingles})[:_FP_SIZE]
    return f"{_FP_VERSION}:{len(shingles)}:" + "".join(f"{h:08x}" for h in smallest)


@lru_cache(maxsize=65536)
def _parse_fingerprint(fp: str | None) -> tuple[int, frozenset[int]] | None:
    if not fp:
        return None
    parts = fp.split(":")
    if len(parts) != 3 or parts[0] != _FP_VERSION or not parts[1].isdigit():
        return None
    body = parts[2]
    if len(body) % 8 or len(body) > 8 * _FP_SIZE:
        return None
    try:
        values = frozenset(int(body[i:i + 8], 16) for i in range(0, len(body), 8))
    except ValueError:
        return None
    return int(parts[1]), values


def fingerprint_similarity(a: str | None, b: str | None) -> float:
    """Estimated share of wording (Jaccard of word pairs) two fingerprints have in common."""
    pa, pb = _parse_fingerprint(a), _parse_fingerprint(b)
    if pa is None or pb is None or not pa[1] or not pb[1]:
        return 0.0
    sa, sb = pa[1], pb[1]
    # The k smallest of the union; those present in both sketches are in both sets.
    union = sorted(sa | sb)[:_FP_SIZE]
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def fingerprint_size(fp: str | None) -> int:
    """How many word pairs a fingerprint was made from (0 if it is not one)."""
    parsed = _parse_fingerprint(fp)
    return parsed[0] if parsed else 0


# --------------------------------------------------------------------------- policy

@dataclass(frozen=True)
class Policy:
    """Thresholds and windows for :func:`find_repeat_reporters` (see policy.yaml)."""

    window_days: int
    protect_actioned_share: float
    unfounded_min: int
    unfounded_outcomes: tuple[str, ...]
    boomerang_min: int
    same_target_min: int
    same_target_outcomes: tuple[str, ...]
    forum_min_boards: int
    forum_within_hours: float
    forum_min_similarity: float
    forum_min_shingles: int
    burst_min: int
    burst_within_hours: float
    burst_outcomes: tuple[str, ...]
    weights: tuple[tuple[str, float], ...]

    @classmethod
    def load(cls, path: str | Path = POLICY_FILE) -> "Policy":
        """Read and validate a policy file."""
        data = load_yaml(path, SCHEMA, definition="policy", what="reporter policy")
        rules = data["rules"]
        return cls(
            window_days=data["window_days"],
            protect_actioned_share=data["good_faith"]["protect_at_actioned_share"],
            unfounded_min=rules["unfounded-reports"]["min_reports"],
            unfounded_outcomes=tuple(rules["unfounded-reports"]["outcomes"]),
            boomerang_min=rules["boomerang"]["min_reports"],
            same_target_min=rules["same-target"]["min_reports"],
            same_target_outcomes=tuple(rules["same-target"]["outcomes"]),
            forum_min_boards=rules["forum-shopping"]["min_boards"],
            forum_within_hours=rules["forum-shopping"]["within_hours"],
            forum_min_similarity=rules["forum-shopping"]["min_similarity"],
            forum_min_shingles=rules["forum-shopping"]["min_shingles"],
            burst_min=rules["burst"]["min_reports"],
            burst_within_hours=rules["burst"]["within_hours"],
            burst_outcomes=tuple(rules["burst"]["outcomes"]),
            weights=tuple(sorted(data["weights"].items())))

    def weight(self, kind: str) -> float:
        return dict(self.weights).get(kind, 1.0)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The shipped policy (``data/reporters/policy.yaml``)."""
    return Policy.load()


# --------------------------------------------------------------------------- flags

@dataclass(frozen=True)
class Evidence:
    """One reason to look at a reporter, and the reports it rests on."""

    kind: str
    record_keys: tuple[str, ...]
    description: str
    subject: str | None = None  # the repeated target, for same-target


@dataclass(frozen=True)
class HistorySummary:
    """The reporter's whole supplied history by outcome, so a reader sees the context."""

    total: int
    counts: tuple[tuple[str, int], ...]

    def count(self, outcome: str) -> int:
        return dict(self.counts).get(outcome, 0)


@dataclass(frozen=True)
class Flag:
    """A reporter whose history matches one or more patterns; a human decides."""

    reporter: str
    reasons: tuple[Evidence, ...]
    records: tuple[ReportRecord, ...]
    score: float
    history: HistorySummary
    evidence_key: str = field(default="")
    piece_keys: frozenset[str] = field(default=frozenset())

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in policy order, each once."""
        return tuple(dict.fromkeys(e.kind for e in self.reasons))

    @property
    def evidence(self) -> dict[str, tuple[ReportRecord, ...]]:
        """Reason code -> the records behind it."""
        by_key = {r.key: r for r in self.records}
        out: dict[str, list[ReportRecord]] = defaultdict(list)
        for e in self.reasons:
            out[e.kind].extend(by_key[k] for k in e.record_keys if by_key[k] not in out[e.kind])
        return {k: tuple(v) for k, v in out.items()}

    @property
    def first_seen(self) -> datetime:
        return min(r.opened for r in self.records)

    @property
    def last_seen(self) -> datetime:
        return max(r.opened for r in self.records)

    @property
    def wikis(self) -> tuple[str, ...]:
        return tuple(sorted({r.wiki for r in self.records}))

    @property
    def is_ip(self) -> bool:
        return is_ip(self.reporter)

    @property
    def notification_keys(self) -> frozenset[str]:
        """Keys to store when this flag is sent or dismissed (set key and piece keys)."""
        return self.piece_keys | {self.evidence_key}


def _piece_key(reporter: str, kind: str, record_key: str) -> str:
    digest = hashlib.sha256(f"{reporter}\x1f{kind}\x1f{record_key}".encode()).hexdigest()
    return "pc-" + digest[:24]


def _make_flag(reporter: str, reasons: list[Evidence], records: dict[str, ReportRecord],
               history: HistorySummary, policy: Policy) -> Flag:
    pieces = frozenset(_piece_key(reporter, e.kind, k) for e in reasons for k in e.record_keys)
    evidence_key = "ev-" + hashlib.sha256("\n".join(sorted(pieces)).encode()).hexdigest()[:32]
    used = sorted({k for e in reasons for k in e.record_keys},
                  key=lambda k: (records[k].opened, k))
    score = round(sum(policy.weight(e.kind) * len(e.record_keys) for e in reasons), 2)
    return Flag(reporter=reporter, reasons=tuple(reasons),
                records=tuple(records[k] for k in used), score=score, history=history,
                evidence_key=evidence_key, piece_keys=pieces)


# --------------------------------------------------------------------------- detection

def counted_outcome(record: ReportRecord) -> str:
    """The outcome detection uses: untrusted closures and missing outcomes are unknown."""
    if not record.closer_trusted or record.outcome is None:
        return "unknown"
    return record.outcome


def _keys(records: Iterable[ReportRecord]) -> tuple[str, ...]:
    return tuple(r.key for r in sorted(records, key=lambda r: (r.opened, r.key)))


def _hours(value: float) -> str:
    return f"{value:g}"


def _same_target(recent: list[tuple[ReportRecord, str]], policy: Policy) -> list[Evidence]:
    by_target: dict[str, list[tuple[ReportRecord, str]]] = defaultdict(list)
    for record, outcome in recent:
        for target in {canonical_user_name(t) for t in record.targets if t.strip()}:
            by_target[target].append((record, outcome))
    out = []
    for target in sorted(by_target):
        items = by_target[target]
        # One actioned report about this user shows the concern was real: the
        # repetition is then persistence, not a pattern against the reporter.
        if any(o == "actioned" for _, o in items):
            continue
        hits = [r for r, o in items if o in policy.same_target_outcomes]
        if len(hits) >= policy.same_target_min:
            out.append(Evidence(
                "same-target", _keys(hits),
                f"{len(hits)} reports about the same user, each closed without action, "
                f"within {policy.window_days} days; none about this user was actioned.",
                subject=target))
    return out


def _forum_shopping(recent: list[tuple[ReportRecord, str]], policy: Policy) -> list[Evidence]:
    # Withdrawn copies are left out: withdrawing and re-posting at the right board is
    # what people are asked to do.
    items = sorted(((r, o) for r, o in recent
                    if o != "withdrawn" and fingerprint_size(r.complaint_hash)
                    >= policy.forum_min_shingles),
                   key=lambda ro: (ro[0].opened, ro[0].key))
    if len(items) < 2:
        return []
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    span = timedelta(hours=policy.forum_within_hours)
    for i, (a, _) in enumerate(items):
        targets_a = {canonical_user_name(t) for t in a.targets}
        for j in range(i + 1, len(items)):
            b = items[j][0]
            if b.opened - a.opened > span:
                break
            if (a.wiki, a.board) == (b.wiki, b.board):
                continue
            targets_b = {canonical_user_name(t) for t in b.targets}
            if targets_a and targets_b and not targets_a & targets_b:
                continue
            if fingerprint_similarity(a.complaint_hash, b.complaint_hash) \
                    >= policy.forum_min_similarity:
                parent[root(j)] = root(i)
    clusters: dict[int, list[tuple[ReportRecord, str]]] = defaultdict(list)
    for i, item in enumerate(items):
        clusters[root(i)].append(item)
    out = []
    for members in clusters.values():
        boards = {(r.wiki, r.board) for r, _ in members}
        if len(boards) < policy.forum_min_boards:
            continue
        if any(o == "actioned" for _, o in members):
            continue  # the complaint was acted on somewhere: it was a real one
        records = [r for r, _ in members]
        hours = (max(r.opened for r in records) - min(r.opened for r in records))
        out.append(Evidence(
            "forum-shopping", _keys(records),
            f"A similar complaint was posted on {len(boards)} boards within "
            f"{_hours(round(hours.total_seconds() / 3600, 1))} hours; none of these "
            f"reports was actioned."))
    return sorted(out, key=lambda e: e.record_keys)


def _bursts(recent: list[tuple[ReportRecord, str]], policy: Policy) -> list[Evidence]:
    hits = sorted((r for r, o in recent if o in policy.burst_outcomes),
                  key=lambda r: (r.opened, r.key))
    span = timedelta(hours=policy.burst_within_hours)
    out, start = [], 0
    while start < len(hits):
        end = start
        while end + 1 < len(hits) and hits[end + 1].opened - hits[start].opened <= span:
            end += 1
        if end - start + 1 >= policy.burst_min:
            group = hits[start:end + 1]
            out.append(Evidence(
                "burst", _keys(group),
                f"{len(group)} reports opened within {_hours(policy.burst_within_hours)} "
                f"hours were all closed without action."))
            start = end + 1
        else:
            start += 1
    return out


def _detect(reporter: str, records: list[ReportRecord], policy: Policy,
            now: datetime) -> Flag | None:
    outcomes = [(r, counted_outcome(r)) for r in records]
    counts: dict[str, int] = defaultdict(int)
    for _, outcome in outcomes:
        counts[outcome] += 1
    history = HistorySummary(total=len(records), counts=tuple(
        (o, counts[o]) for o in OUTCOMES if counts[o]))
    decided = sum(counts[o] for o in DECIDED)
    # Fairness guard over the whole supplied history, not only the window: someone
    # whose reports were mostly acted on is a useful reporter, whatever else happened.
    if decided and counts["actioned"] / decided >= policy.protect_actioned_share:
        return None
    since = now - timedelta(days=policy.window_days)
    recent = [(r, o) for r, o in outcomes if since <= r.opened <= now]
    if len(recent) < 2:
        return None
    reasons: list[Evidence] = []
    unfounded = [r for r, o in recent if o in policy.unfounded_outcomes]
    if len(unfounded) >= policy.unfounded_min:
        reasons.append(Evidence(
            "unfounded-reports", _keys(unfounded),
            f"{len(unfounded)} reports closed by trusted closers as unfounded within "
            f"{policy.window_days} days."))
    boomerangs = [r for r, o in recent if o == "boomerang"]
    if len(boomerangs) >= policy.boomerang_min:
        reasons.append(Evidence(
            "boomerang", _keys(boomerangs),
            f"{len(boomerangs)} reports whose closing result records a sanction on the "
            f"reporter, within {policy.window_days} days."))
    reasons += _same_target(recent, policy)
    reasons += _forum_shopping(recent, policy)
    reasons += _bursts(recent, policy)
    if not reasons:
        return None
    used = {k for e in reasons for k in e.record_keys}
    if len(used) < 2:  # never on one report, whatever a policy file says
        return None
    return _make_flag(reporter, reasons, {r.key: r for r in records}, history, policy)


def find_repeat_reporters(records: Iterable[ReportRecord], policy: Policy | None = None,
                          *, now: datetime | None = None) -> list[Flag]:
    """Flags for reporters whose history matches the policy's patterns.

    Records are grouped by :func:`reporter_id` across boards and wikis; a record
    seen twice (same wiki, board and thread) counts once, the later copy winning.
    ``now`` (UTC-aware; default: the current time) ends the look-back window.
    Flags come sorted by score, highest first, then by reporter.
    """
    policy = policy or default_policy()
    now = now or datetime.now(timezone.utc)
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (UTC)")
    by_reporter: dict[str, dict[str, ReportRecord]] = defaultdict(dict)
    for record in records:
        if record.opened <= now:
            by_reporter[reporter_id(record.reporter)][record.key] = record
    flags = []
    for reporter, keyed in by_reporter.items():
        if len(keyed) < 2:
            continue
        flag = _detect(reporter, list(keyed.values()), policy, now)
        if flag is not None:
            flags.append(flag)
    return sorted(flags, key=lambda f: (-f.score, f.reporter))


def should_notify(flag: Flag, already_sent_keys: set[str],
                  dismissed: set[tuple[str, str]]) -> bool:
    """Whether *flag* carries evidence nobody has been told about or has dismissed.

    ``already_sent_keys`` holds keys of flags already delivered; ``dismissed`` holds
    ``(reporter, key)`` pairs a functionary dismissed.  Storing a flag's
    :attr:`Flag.notification_keys` (not only its ``evidence_key``) also keeps a flag
    quiet when old evidence merely ages out of the window.
    """
    who = reporter_id(flag.reporter)
    covered = set(already_sent_keys)
    covered |= {key for name, key in dismissed if reporter_id(name) == who}
    if flag.evidence_key in covered:
        return False
    return not flag.piece_keys <= covered


# --------------------------------------------------------------------------- rendering

def _safe_link(title: str | None) -> str | None:
    if not title or "~~~" in title:
        return None
    if re.fullmatch(r"https?://[^\s\[\]<>{}|'\"]+", title):
        return title  # a full URL (a report on another wiki than the private one)
    try:
        return wikitext.link_target(title)
    except ValueError:
        return None


def render_flag(flag: Flag, *, known_keys: Iterable[str] = (),
                status_template: str = "Noticeboard helper flag") -> str:
    """The private wikitext section for *flag* (for a read-restricted page only).

    Evidence whose piece keys are not in *known_keys* (what was sent or dismissed
    before) is marked as new.
    """
    if not re.fullmatch(r"[\w][\w ()/-]*", status_template):
        raise ValueError(f"not a usable template name: {status_template!r}")
    known = set(known_keys)
    by_key = {r.key: r for r in flag.records}
    reasons = []
    for evidence in flag.reasons:
        rows = []
        for key in evidence.record_keys:
            record = by_key[key]
            rows.append({
                "wiki": record.wiki, "board": record.board, "opened": record.opened,
                "outcome": counted_outcome(record), "link": _safe_link(record.link),
                "new": bool(known) and _piece_key(flag.reporter, evidence.kind, key)
                not in known})
        reasons.append({"kind": evidence.kind, "description": evidence.description,
                        "subject": evidence.subject, "rows": rows})
    return render("reporters/flag.wikitext.j2", flag=flag, reasons=reasons,
                  history=[{"outcome": o, "count": n} for o, n in flag.history.counts],
                  status_template=status_template)
