"""Tests for bot/seed.py: the loader, the pure simulation of edits, and that expected.yaml
tells the truth about the seeded history."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from bot.errors import DataError
from bot.seed import (
    PHASES, SEED_DIR, TIMESTAMP_RE, canonical_user_name, is_ip, load_expected, load_seed,
    parse_timestamp,
)

CASES_FILE = Path(__file__).parent.parent / "data" / "seed" / "cases.yaml"
CLOSURE_TEMPLATES = {"archive top": "{{archive top", "atop": "{{atop", "hat": "{{hat",
                     "resolved": "{{resolved"}


@pytest.fixture(scope="module")
def seed():
    return load_seed()


@pytest.fixture(scope="module")
def expected():
    return load_expected()


def _board_page(seed, key):
    return seed.board(key).page


def _thread_edits(seed, board_key, heading):
    board = seed.board(board_key)
    return [e for e in seed.edits if board.page in (e.page, e.source) and e.heading == heading]


# --------------------------------------------------------------------------- the mini seed

MINI_ACCOUNTS = {"accounts": [
    {"name": "Admin Alpha", "role": "admin", "wiki": "both",
     "signature": "[[User:Admin Alpha|Alpha]]"},
    {"name": "Beta User", "role": "user", "wiki": "public",
     "signature": "[[User:Beta User|Beta]] ([[User talk:Beta User|talk]])"},
    {"name": "Gamma User", "role": "user", "wiki": "public",
     "signature": "[[User:Gamma User|Gamma User]]"},
]}


def _mini_seed(directory: Path, edits: list, header: str = "Header.") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED_DIR / "seed.schema.json", directory / "seed.schema.json")
    (directory / "templates").mkdir(exist_ok=True)
    (directory / "templates" / "Done.wikitext").write_text("'''Done'''\n", encoding="utf-8")
    dump = lambda name, data: (directory / name).write_text(  # noqa: E731
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dump("accounts.yaml", MINI_ACCOUNTS)
    dump("pages.yaml", {"templates": {"user": "Admin Alpha", "wiki": "public", "phase": "initial",
                                      "at": "2026-10-01T00:00Z", "summary": "t"}, "pages": []})
    dump("boards.yaml", {"boards": [{
        "key": "test", "kind": "incidents", "page": "Project:Test board", "wiki": "public",
        "archive": "Project:Test board/Archive 1",
        "header": {"user": "Admin Alpha", "wiki": "public", "phase": "initial",
                   "at": "2026-11-01T00:00Z", "summary": "h", "text": header},
        "edits": edits}]})
    return directory


def _cases():
    data = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    return [pytest.param(case, id=f"cases:{name}") for name, case in data["cases"].items()]


@pytest.mark.parametrize("case", _cases())
def test_case(case, tmp_path):
    directory = _mini_seed(tmp_path / "seed", case["edits"], case.get("header", "Header."))
    if "error" in case:
        with pytest.raises(DataError) as info:
            load_seed(directory)
        message = str(info.value)
        for fragment in case["error"]:
            assert fragment in message
        assert message.endswith(".") and "\n" not in message
        return
    mini = load_seed(directory)
    assert mini.page_text_after("Project:Test board", len(mini.edits)) == case["text"]
    if "archive" in case:
        archive = mini.page_text_after("Project:Test board/Archive 1", len(mini.edits))
        assert archive == case["archive"]


# --------------------------------------------------------------------------- loading

def test_accounts_cover_the_roles_and_name_variants(seed):
    roles = Counter(a.role for a in seed.accounts)
    assert seed.account("Watcher").role == "bot"
    assert roles["admin"] == 2 and roles["user"] >= 8
    assert all(a.exists_on("private") for a in seed.accounts if a.role == "admin")
    assert any(not a.name.isascii() for a in seed.accounts)
    assert any(" " in a.name for a in seed.accounts if a.role == "admin")
    # Some signatures show a name that is not the account name, or spell the link oddly.
    displays = [a for a in seed.accounts if a.signature and f"|{a.name}]]" not in a.signature]
    assert len(displays) >= 3
    assert seed.account("mira_Talvik").name == "Mira Talvik"


def test_schema_error_names_file_entry_and_field(tmp_path):
    directory = _mini_seed(tmp_path / "seed", [])
    accounts = dict(MINI_ACCOUNTS)
    accounts["accounts"] = accounts["accounts"] + [{"name": "Delta", "role": "emperor",
                                                    "wiki": "public", "signature": None}]
    (directory / "accounts.yaml").write_text(yaml.safe_dump(accounts), encoding="utf-8")
    with pytest.raises(DataError, match=r"accounts\.yaml: entry accounts\[3\], field 'role'"):
        load_seed(directory)


def test_global_order_is_phase_then_time(seed):
    keys = [(PHASES.index(e.phase), e.at) for e in seed.edits]
    assert keys == sorted(keys)
    assert [e.seq for e in seed.edits] == list(range(len(seed.edits)))
    assert seed.edits_in("initial") and seed.edits_in("later")
    assert len(seed.edits_in("initial")) + len(seed.edits_in("later")) == len(seed.edits)


def test_every_board_starts_with_an_admin_header(seed):
    for board in seed.boards:
        first = next(e for e in seed.edits if e.page == board.page)
        assert first.op == "create-page"
        assert seed.account(first.user).role == "admin"


def test_templates_are_seeded_before_any_board(seed):
    titles = {t.title for t in seed.templates}
    needed = {"Archive top", "Atop", "Archive bottom", "Abot", "Hat", "Hab", "Resolved", "Done",
              "Not done", "Vandal", "IPvandal", "Userlinks", "User", "Unsigned", "Bots",
              "Nobots", "ANI-notice"}
    assert {f"Template:{n}" for n in needed} <= titles
    first_board_edit = min(e.seq for e in seed.edits if e.group not in ("templates", "pages"))
    assert all(e.seq < first_board_edit for e in seed.edits if e.group == "templates")


def test_simulation_is_consistent_with_text_after(seed):
    revisions = seed.simulate()
    for (wiki, page), texts in revisions.items():
        assert seed.page_text_after(page, len(seed.edits), wiki) == texts[-1]
    saves = [e for e in seed.edits if not e.is_block]
    assert sum(len(t) for t in revisions.values()) == len(saves)
    assert all(seed.text_after(e) is None for e in seed.edits if e.is_block)


def test_page_texts_are_what_mediawiki_would_store(seed):
    for edit in seed.edits:
        text = seed.text_after(edit)
        if text is None:
            continue
        assert text == text.rstrip()
        assert "~~~" not in re.sub(r"<nowiki>.*?</nowiki>", "", text, flags=re.S)


def test_signature_times_lie_in_the_weeks_before_the_demo(seed):
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    end = datetime(2026, 11, 25, tzinfo=timezone.utc)
    for edit in seed.edits:
        assert start <= edit.at < end
        for match in TIMESTAMP_RE.finditer(seed.text_after(edit) or ""):
            assert start <= parse_timestamp(match) < end


def test_anonymous_edits_use_documentation_ranges_and_both_ip_versions(seed):
    ips = {e.user for e in seed.edits if e.is_anonymous}
    assert any(":" in ip for ip in ips) and any("." in ip for ip in ips)
    assert canonical_user_name("2001:db8::7") == "2001:DB8:0:0:0:0:0:7"
    assert canonical_user_name("jürgen_Beispiel") == "Jürgen Beispiel"
    assert is_ip("192.0.2.44") and not is_ip("Page Patroller 9")


def test_later_phase_brings_new_events_on_every_board(seed):
    for board in seed.boards:
        later = [e for e in seed.edits_in("later") if e.page == board.page]
        assert later, board.key


# --------------------------------------------------------------------------- expected.yaml

def test_every_new_thread_on_a_board_is_expected(seed, expected):
    opened = {(b.key, e.heading) for b in seed.boards for e in seed.edits
              if e.op == "new-section" and e.page == b.page}
    assert opened == {(t.board, t.heading) for t in expected.threads}


@pytest.mark.parametrize("index", range(len(load_expected().threads)))
def test_expected_thread_matches_history(seed, expected, index):
    thread = expected.threads[index]
    edits = _thread_edits(seed, thread.board, thread.heading)
    opening = next(e for e in edits if e.op == "new-section")
    assert canonical_user_name(opening.user) == canonical_user_name(thread.reporter)
    assert opening.phase == thread.opened_in
    signed = opening.forged_as or (opening.user if TIMESTAMP_RE.search(opening.text) else None)
    assert signed == thread.signed_as
    closes = [e for e in edits if e.op == "wrap-section"]
    if thread.closed_in is None:
        assert not closes
    else:
        (close,) = closes
        assert (close.user, close.phase) == (thread.closed_by, thread.closed_in)
        assert close.before.startswith(CLOSURE_TEMPLATES[thread.closure])
    archived = [e for e in edits if e.op == "archive-section"]
    assert [e.phase for e in archived] == ([thread.archived_in] if thread.archived_in else [])
    later_comments = {e.user for e in edits if e.op == "append-to-section" and e.phase == "later"}
    assert later_comments == set(thread.comments_later)
    assert thread.emergency == bool({"threat-of-violence", "self-harm"} & set(thread.categories))
    text = opening.text
    for subject in thread.subjects:
        assert subject in text or subject in thread.heading


def _vandal_lines(seed):
    board = next(b for b in seed.boards if b.kind == "vandalism")
    pattern = re.compile(r"\{\{(?:vandal|IPvandal)\|([^}]+)\}\}")
    lines = []
    for edit in seed.edits:
        if edit.page == board.page and edit.op == "append-to-section":
            lines.append((pattern.search(edit.text).group(1), edit))
    return board, lines


def test_expected_vandal_reports_match_history(seed, expected):
    board, lines = _vandal_lines(seed)
    assert {t for t, _ in lines} == {r.target for r in expected.vandal_reports}
    for report in expected.vandal_reports:
        edit = next(e for t, e in lines if t == report.target)
        assert (edit.user, edit.phase) == (report.reporter, report.opened_in)
        removals = [e for e in seed.edits if e.op == "remove-line" and e.page == board.page
                    and report.target in e.line]
        if report.removed_in is None:
            assert not removals
            assert report.target in seed.page_text_after_phase(board.page, "later")
        else:
            (removal,) = removals
            assert (removal.user, removal.phase) == (report.removed_by, report.removed_in)
            if report.outcome == "actioned":
                block = [e for e in seed.edits if e.is_block
                         and canonical_user_name(e.target) == canonical_user_name(report.target)]
                assert block and block[0].seq < removal.seq
                assert "blocked" in removal.summary


def test_expected_reporter_histories_add_up(expected):
    reports = Counter()
    outcomes: dict[str, Counter] = {}
    for item in list(expected.threads) + list(expected.vandal_reports):
        reports[(item.reporter, item.opened_in)] += 1
        if item.outcome:
            outcomes.setdefault(item.reporter, Counter())[item.outcome] += 1
    listed = {r.name for r in expected.reporters}
    # Every account with a report is listed, except the sock whose one "report" was a forgery.
    assert {name for name, _ in reports} - listed == {"Pebble Path"}
    for reporter in expected.reporters:
        assert dict(reporter.reports) == {p: reports[(reporter.name, p)] for p in PHASES}
        assert dict(reporter.outcomes) == dict(outcomes.get(reporter.name, {}))


def test_malicious_and_good_faith_reporters(seed, expected):
    flagged = [r for r in expected.reporters if r.flag_after]
    assert [r.name for r in flagged] == ["Quarrel Some"]
    quarrel = flagged[0]
    bad = sum(quarrel.outcomes.get(o, 0) for o in ("no-action", "unfounded", "boomerang"))
    assert bad >= 4 and quarrel.outcomes.get("boomerang") == 1
    good = next(r for r in expected.reporters if r.name == "Careful Reporter")
    assert sum(good.reports.values()) >= 4 and set(good.outcomes) == {"actioned"}
    # Forum shopping: the same complaint on three boards within hours, by the same account.
    times = []
    for ref in quarrel.forum_shopping:
        page = seed.board(ref["board"]).page
        if "heading" in ref:
            edit = next(e for e in seed.edits if e.page == page and e.op == "new-section"
                        and e.heading == ref["heading"])
        else:
            edit = next(e for e in seed.edits if e.page == page and e.op == "append-to-section"
                        and f"|{ref['target']}}}}}" in e.text)
        assert edit.user == "Quarrel Some"
        times.append(edit.at)
    assert len({r["board"] for r in quarrel.forum_shopping}) == 3
    assert max(times) - min(times) < timedelta(hours=3)
    block = [e for e in seed.edits if e.is_block and e.target == "Quarrel Some"]
    assert len(block) == 1 and block[0].phase == "later"


def test_forged_and_unsigned_threads(seed, expected):
    for forged in expected.forged_signatures:
        opening = next(e for e in _thread_edits(seed, forged["board"], forged["heading"])
                       if e.op == "new-section")
        assert (opening.user, opening.forged_as) == (forged["saved_by"], forged["signed_as"])
        assert f"[[User:{forged['saved_by']}" not in opening.text
    for unsigned in expected.unsigned:
        page = _board_page(seed, unsigned["board"])
        opening = next(e for e in _thread_edits(seed, unsigned["board"], unsigned["heading"])
                       if e.op == "new-section")
        assert opening.user == unsigned["saved_by"] and not TIMESTAMP_RE.search(opening.text)
        fix = next(e for e in seed.edits if e.page == page and e.op == "replace-text"
                   and "{{unsigned|" + unsigned["saved_by"] in e.new)
        assert fix.user == unsigned["unsigned_added_by"] and fix.seq > opening.seq


def test_planted_personal_data_is_on_the_board_until_removed(seed, expected):
    board = next(b for b in seed.boards if b.kind == "harassment").page
    before = seed.page_text_after_phase(board, "initial")
    after = seed.page_text_after_phase(board, "later")
    personal = [p["text"] for p in expected.private_strings if p["kind"] == "personal-data"]
    assert personal
    for text in personal:
        assert text in before and text not in after
    everything = "\n".join(t for t in (seed.text_after(e) for e in seed.edits) if t)
    for text in expected.never_public():
        assert text in everything
        # Edit summaries are public everywhere; the seed itself never puts them there.
        assert all(text not in (e.summary or "") for e in seed.edits)


def test_emergencies_are_reported_in_both_phases(expected):
    emergencies = [t for t in expected.threads if t.emergency]
    assert {t.opened_in for t in emergencies} == {"initial", "later"}
    assert {c for t in emergencies for c in t.categories} >= {"threat-of-violence", "self-harm"}


def test_bot_exclusion_and_run_pages(seed, expected):
    for item in expected.bot_exclusion:
        text = seed.page_text_after_phase(item["page"], "initial")
        excluded = "{{nobots}}" in text or "deny=Watcher" in text
        assert excluded is not item["watcher_may_edit"]
    for item in expected.run_pages:
        assert seed.page_text_after_phase(item["page"], "initial", item["wiki"]) == item["text"]
