"""Reporter history: outcome rules, pattern detection, flags and notification keys."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import reporters
from bot.errors import DataError
from bot.reporters import (
    OUTCOMES, Policy, ReportRecord, classify_outcome, complaint_fingerprint, complaint_tokens,
    default_policy, find_repeat_reporters, fingerprint_similarity, fingerprint_size,
    render_flag, reporter_id, should_notify,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "reporters"
CORPORA = {name: yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
           for name in ("dev", "heldout")}
T0 = datetime(2024, 6, 1, tzinfo=timezone.utc)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _record(raw: dict) -> ReportRecord:
    """A corpus record; its outcome comes from the closing text through the rules."""
    outcome = raw.get("outcome")
    if outcome is None and "result" in raw:
        outcome = classify_outcome(raw["result"], lang=raw.get("lang", "en"))
    return ReportRecord(
        wiki=raw["wiki"], board=raw["board"], thread_key=raw["thread"],
        reporter=str(raw["reporter"]), targets=tuple(str(t) for t in raw["targets"]),
        opened=_time(raw["opened"]), closure_result=raw.get("result"), outcome=outcome,
        complaint_hash=complaint_fingerprint(raw["text"]) if "text" in raw else None,
        closer_trusted=raw.get("closer_trusted", True),
        link=f"Wikipedia:{raw['board']}")


def _cases(section: str, names=("dev", "heldout")):
    return [pytest.param(case, id=f"{name}:{case.get('id', i)}")
            for name in names for i, case in enumerate(CORPORA[name].get(section, []))]


def _rec(thread: str, reporter: str = "Someone", outcome: str | None = "unfounded",
         days: float = 1, targets=("Target",), **extra) -> ReportRecord:
    return ReportRecord(wiki=extra.pop("wiki", "enwiki"), board=extra.pop("board", "ANI"),
                        thread_key=thread, reporter=reporter, targets=tuple(targets),
                        opened=T0 - timedelta(days=days), outcome=outcome, **extra)


# --------------------------------------------------------------------------- outcomes

@pytest.mark.parametrize("case", _cases("outcomes", ("dev",)))
def test_dev_closing_texts_give_the_labelled_outcome(case):
    assert classify_outcome(case["text"], lang=case["lang"]) == case["expected"]


def test_heldout_outcome_accuracy_is_reported_and_reasonable():
    cases = CORPORA["heldout"]["outcomes"]
    assert len(cases) >= 30
    right = sum(classify_outcome(c["text"], lang=c["lang"]) == c["expected"] for c in cases)
    assert right / len(cases) >= 0.8


@pytest.mark.parametrize("case", _cases("outcomes"))
def test_no_closing_text_is_turned_against_the_reporter_by_mistake(case):
    # The harmful direction: a close that did not judge the reporter must never be
    # read as unfounded or as a sanction on the reporter.
    if case["expected"] in ("actioned", "no-action", "withdrawn", "unknown"):
        assert classify_outcome(case["text"], lang=case["lang"]) not in ("unfounded", "boomerang")


def test_corpora_are_big_enough_and_cover_every_outcome():
    dev = CORPORA["dev"]["outcomes"]
    assert len(dev) >= 60 and len(CORPORA["heldout"]["outcomes"]) >= 30
    assert {c["expected"] for c in dev} == set(OUTCOMES)
    assert {c["lang"] for c in dev} == {"en", "de"}


@pytest.mark.parametrize("text", [
    "[[User:Blocked Bob|Blocked Bob]] ([[User talk:Blocked Bob|talk]]) 10:00, 1 May 2024 (UTC)",
    "Closed by {{u|Frivolous Fred}}",
])
def test_user_names_in_signatures_do_not_decide_the_outcome(text):
    assert classify_outcome(text) == "unknown"


def test_negation_and_subject_matter():
    assert classify_outcome("Not blocked.") == "no-action"
    assert classify_outcome("Blocked.") == "actioned"
    assert classify_outcome("The filer is warned about a possible boomerang.") != "boomerang"
    assert classify_outcome("Filer blocked per WP:BOOMERANG.") == "boomerang"


def test_unknown_language_is_a_data_error():
    with pytest.raises(DataError, match="outcomes.xx.yaml"):
        classify_outcome("Blocked", lang="xx")


def test_bad_rule_file_names_file_and_field(tmp_path, monkeypatch):
    (tmp_path / "outcomes.en.yaml").write_text(yaml.safe_dump({
        "language": "en", "strip": [], "clause_split": "[.]", "precedence": ["no-action"],
        "rules": {"no-action": {"match": ["(unclosed"]}}}), encoding="utf-8")
    monkeypatch.setattr(reporters, "REPORTERS_DIR", tmp_path)
    reporters.outcome_rules.cache_clear()
    try:
        with pytest.raises(DataError, match=r"outcomes\.en\.yaml.*rules\.no-action\.match\[0\]"):
            classify_outcome("x")
    finally:
        reporters.outcome_rules.cache_clear()


# --------------------------------------------------------------------------- fingerprints

COMPLAINT = ("Rival has been following me to every article I edit for the past month and "
             "reverting my additions without explanation. I have asked them to stop twice.")


def test_fingerprint_ignores_signatures_timestamps_and_whitespace():
    a = complaint_fingerprint(COMPLAINT + " [[User:Shopper|Shopper]] 09:00, 20 May 2024 (UTC)")
    b = complaint_fingerprint("  " + COMPLAINT.replace(" ", "\n  ") +
                              " --[[User talk:Shopper|talk]] 16:45, 21 May 2024 (UTC) ~~~~")
    assert a == b
    assert a == complaint_fingerprint(COMPLAINT)


def test_fingerprint_matches_small_edits_but_not_other_complaints():
    edited = COMPLAINT.replace("every article", "every single article").replace(
        "I have asked", "I asked")
    other = ("Please semi-protect the article on the 1998 floods; several new accounts keep "
             "adding an unsourced death toll and the talk page discussion has stalled.")
    threshold = default_policy().forum_min_similarity
    assert fingerprint_similarity(complaint_fingerprint(COMPLAINT),
                                  complaint_fingerprint(edited)) >= threshold
    assert fingerprint_similarity(complaint_fingerprint(COMPLAINT),
                                  complaint_fingerprint(other)) < threshold / 2


def test_stored_fingerprints_stay_comparable():
    # Fingerprints are stored: a change to the reading of a well-formed complaint needs
    # a new version (bk1), or old and new complaints stop matching each other.
    signed = COMPLAINT + " [[User:Shopper|Shopper]] 09:00, 20 May 2024 (UTC)"
    assert complaint_fingerprint(signed) == (
        "bk1:26:045ec3f11046fad0131717a41de49c141f7fcac02688ce3e3a94a0b53b5ff6594"
        "47af9f75abbadf560725b037806ae388a3707109009c00290dd38cc930e789babaafe16a"
        "c47e5cebd02f1efc08be6b5c7798d62cb70dd30cdbdefbbebee7eb0efe2d30bfbebd46f")


def test_many_unclosed_user_links_are_read_promptly(watchdog):
    with watchdog(20, "complaint_tokens on 1 MB of unclosed user links"):
        assert complaint_tokens("[[user:a " * 110_000)[:2] == ["user", "a"]


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("text", ["[[user:a " * 55_000, "[[benutzer:a " * 40_000,
                                  "[[a " * 125_000, "[[a|" * 125_000, "[//x " * 100_000,
                                  "[//" + "x" * 500_000, "[//x" + " " * 500_000])
def test_a_closing_text_of_unclosed_links_is_read_promptly(lang, text, watchdog):
    # A closing text is anyone's wikitext; each of these took seconds per 100 KB and
    # grew with the square of the length.
    with watchdog(30, f"classify_outcome on 500 KB of {text[:6]!r}..."):
        assert classify_outcome(text, lang=lang) == "unknown"


def test_fingerprint_keeps_no_text_and_handles_empty_input():
    fp = complaint_fingerprint(COMPLAINT)
    assert "rival" not in fp.lower() and fingerprint_size(fp) > 10
    assert fingerprint_size(complaint_fingerprint("")) == 0
    assert fingerprint_similarity(complaint_fingerprint(""), complaint_fingerprint("")) == 0.0
    assert fingerprint_similarity("not a fingerprint", fp) == 0.0


# --------------------------------------------------------------------------- scenarios

@pytest.mark.parametrize("case", _cases("scenarios"))
def test_history_scenarios(case):
    flags = find_repeat_reporters([_record(r) for r in case["records"]],
                                  now=_time(case["now"]))
    got = {f.reporter: set(f.codes) for f in flags}
    for name, codes in (case["expect"].get("flagged") or {}).items():
        assert got.get(reporter_id(str(name))) == set(codes), got
    for name in case["expect"].get("not_flagged", []):
        assert reporter_id(str(name)) not in got, got


@pytest.mark.parametrize("case", _cases("lifecycles"))
def test_notification_lifecycles(case):
    records = [_record(r) for r in case["records"]]
    sent: set[str] = set()
    dismissed: set[tuple[str, str]] = set()
    for number, step in enumerate(case["steps"]):
        records += [_record(r) for r in step.get("add", [])]
        flags = {f.reporter: f for f in find_repeat_reporters(records, now=_time(step["now"]))}
        flag = flags.get(reporter_id(case["reporter"]))
        notify = flag is not None and should_notify(flag, sent, dismissed)
        assert notify == step["expect_notify"], f"step {number}"
        if flag is not None and step.get("then") == "send":
            sent |= flag.notification_keys
        elif flag is not None and step.get("then") == "dismiss":
            dismissed |= {(flag.reporter, k) for k in flag.notification_keys}


def test_flag_carries_evidence_records_score_and_dates():
    records = [_rec(f"t{i}", "Grudge", days=10 * i + 1) for i in range(3)]
    [flag] = find_repeat_reporters(records, now=T0)
    assert flag.codes == ("unfounded-reports", "same-target")
    assert set(flag.evidence["unfounded-reports"]) == set(records)
    assert flag.first_seen == min(r.opened for r in records)
    assert flag.last_seen == max(r.opened for r in records)
    assert flag.score > 0 and flag.history.count("unfounded") == 3


def test_evidence_key_is_stable_and_changes_with_new_evidence():
    records = [_rec(f"t{i}", "Grudge", days=i + 1, targets=(f"T{i}",)) for i in range(3)]
    [a] = find_repeat_reporters(records, now=T0)
    [b] = find_repeat_reporters(list(reversed(records)) + records[:1], now=T0)
    assert a.evidence_key == b.evidence_key and a.piece_keys == b.piece_keys
    [c] = find_repeat_reporters(records + [_rec("t9", "Grudge", days=5, targets=("T9",))], now=T0)
    assert c.evidence_key != a.evidence_key and a.piece_keys < c.piece_keys


def test_dismissal_is_per_reporter():
    one = [_rec(f"a{i}", "Alpha", days=i + 1, targets=(f"X{i}",)) for i in range(3)]
    two = [_rec(f"b{i}", "Beta", days=i + 1, targets=(f"Y{i}",)) for i in range(3)]
    flags = {f.reporter: f for f in find_repeat_reporters(one + two, now=T0)}
    dismissed = {("Alpha", k) for k in flags["Alpha"].notification_keys}
    assert not should_notify(flags["Alpha"], set(), dismissed)
    assert should_notify(flags["Beta"], set(), dismissed)
    # names as written in a dismissal template still match (first letter, underscores)
    assert not should_notify(flags["Alpha"], set(), {("alpha", flags["Alpha"].evidence_key)})


def test_records_need_aware_times_and_known_outcomes():
    with pytest.raises(ValueError):
        ReportRecord("enwiki", "ANI", "x", "A", ("B",), datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        _rec("x", outcome="sorted-out")
    with pytest.raises(ValueError):
        find_repeat_reporters([], now=datetime(2024, 1, 1))


def test_policy_refuses_single_report_rules(tmp_path):
    data = yaml.safe_load(reporters.POLICY_FILE.read_text(encoding="utf-8"))
    data["rules"]["boomerang"]["min_reports"] = 1
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"policy\.yaml.*min_reports"):
        Policy.load(path)


def test_one_report_never_flags_even_under_a_lax_policy():
    lax = dataclasses.replace(default_policy(), unfounded_min=1, boomerang_min=1,
                              same_target_min=1, burst_min=1)
    assert find_repeat_reporters([_rec("only", outcome="boomerang")], lax, now=T0) == []


# --------------------------------------------------------------------------- properties

_OUTCOME = st.sampled_from(OUTCOMES)


@st.composite
def _histories(draw):
    n = draw(st.integers(min_value=2, max_value=14))
    out = []
    for i in range(n):
        out.append(_rec(f"h{i}", "Subject", outcome=draw(_OUTCOME),
                        days=draw(st.floats(min_value=0, max_value=200)),
                        targets=(draw(st.sampled_from(["T1", "T2", "T3"])),),
                        board=draw(st.sampled_from(["ANI", "AN", "AIV"])),
                        closer_trusted=draw(st.booleans())))
    return out


@settings(max_examples=150, deadline=None)
@given(_histories())
def test_mostly_actioned_reporters_are_never_flagged(history):
    counted = [reporters.counted_outcome(r) for r in history]
    decided = [o for o in counted if o in reporters.DECIDED]
    flags = find_repeat_reporters(history, now=T0)
    if decided and decided.count("actioned") / len(decided) >= 0.5:
        assert flags == []


@settings(max_examples=150, deadline=None)
@given(_histories(), st.lists(st.tuples(_OUTCOME, st.booleans()), max_size=6))
def test_unknown_and_untrusted_closures_add_nothing(history, extra):
    # Either a trusted close that says nothing, or any outcome from an untrusted closer.
    extras = [_rec(f"x{i}", "Subject", outcome="unknown" if trusted else outcome,
                   closer_trusted=trusted, days=i + 1)
              for i, (outcome, trusted) in enumerate(extra)]
    before = find_repeat_reporters(history, now=T0)
    after = find_repeat_reporters(history + extras, now=T0)
    assert {k for f in after for e in f.reasons for k in e.record_keys} <= \
        {k for f in before for e in f.reasons for k in e.record_keys}


# --------------------------------------------------------------------------- rendering

def test_flag_text_is_neutral_escaped_and_says_what_is_new():
    records = [_rec(f"t{i}", "Grudge", days=i + 1, targets=("Vic{{Del}}[[Cat:X]]",),
                    link="Wikipedia:Administrators' noticeboard/Incidents#Thread " + str(i))
               for i in range(3)]
    [flag] = find_repeat_reporters(records, now=T0)
    first = render_flag(flag)
    assert "{{Del}}" not in first and "[[Cat:X]]" not in first
    assert "Vic&#123;&#123;Del&#125;&#125;" in first
    assert "[[:Wikipedia:Administrators' noticeboard/Incidents#Thread 0|ANI]]" in first
    assert f"evidence={flag.evidence_key}" in first and "status=dismissed" in first
    assert "functionary" in first and "new since" not in first
    lowered = html.unescape(first).lower()
    for word in ("malicious", "bad faith", "abuser", "troll", "liar", "guilty"):
        assert word not in lowered
    more = records + [_rec("t9", "Grudge", days=0.5, targets=("Vic{{Del}}[[Cat:X]]",))]
    [flag2] = find_repeat_reporters(more, now=T0)
    second = render_flag(flag2, known_keys=flag.notification_keys)
    assert len(re.findall(r"new since the last note", second)) == len(flag2.reasons)


def test_flag_for_an_ip_explains_the_exact_address_rule():
    records = [_rec(f"t{i}", "192.0.2.7", days=i + 1, targets=(f"X{i}",)) for i in range(3)]
    [flag] = find_repeat_reporters(records, now=T0)
    assert flag.is_ip and "exact address" in render_flag(flag)


def test_unsafe_links_are_dropped_not_rendered():
    records = [_rec(f"t{i}", "Grudge", days=i + 1, targets=(f"X{i}",), link="A]]{{B}}")
               for i in range(3)]
    [flag] = find_repeat_reporters(records, now=T0)
    assert "{{B}}" not in render_flag(flag)
