"""Faults between the bot and a real local wiki: nothing lost, nothing repeated.

``bot.faultproxy`` sits between Pywikibot and the public local wiki.  Each scenario of
``tests/data/faults/scenarios.yaml`` runs ``pwb watch_noticeboards -once -backfill:30
-json`` through it with one fault active, on a fresh SQLite store, then a clean run
on the same store; the stored events, the board positions and the public backlog page
must then equal a fault-free run's.  The kill tests stop a cycle at 50 random points
(seeded): most in-process at a random API request or SQL statement, some with a real
SIGKILL of the script at a random time, each followed by a clean run.

At the end the results are printed as a Markdown table (fault, runs, outcome, events
lost, duplicates); ``NBH_FAULT_RESULTS=path`` also writes it to a file, and
``NBH_FAULT_SEED`` changes the seed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import yaml

from bot.config import load_config
from bot.cycle import run_cycle
from bot.localwiki import BOT_ACCOUNT
from bot.faultproxy import Fault, FaultProxy, pywikibot_dir_via_proxies
from bot.publish import Publisher
from bot.scripting import NoticeboardBot
from bot.seeding import Seeder
from bot.store import Store
from tests.harness import REPO

pytestmark = pytest.mark.live

SEED = int(os.environ.get("NBH_FAULT_SEED", "20261126"))
BACKFILL = timedelta(days=30)
SCENARIOS = yaml.safe_load((REPO / "tests/data/faults/scenarios.yaml").read_text())["scenarios"]
# A read timeout well above what the local wiki needs, and a hang just above it.
SOCKET_TIMEOUT = (2.0, 2.5)
HANG = 3.0
IN_PROCESS_KILLS = 40
SIGKILLS = 10
PWB = str(Path(sys.executable).parent / "pwb")


class SimulatedKill(BaseException):
    """A crash at an injected point: not an Exception, so no handler swallows it."""


@dataclass
class Row:
    """One line of the results table."""

    fault: str
    runs: int = 0
    outcomes: Counter = field(default_factory=Counter)
    lost: int = 0
    duplicates: int = 0
    unreported: int = 0
    backlog_wrong: int = 0
    tracebacks: int = 0
    injected: int = 0
    notes: list[str] = field(default_factory=list)


RESULTS: dict[str, Row] = {}


def _row(name: str) -> Row:
    return RESULTS.setdefault(name, Row(name))


def _clean_bot():
    class CleanRunBot(NoticeboardBot):
        """Saves without asking, like the scheduled job does."""

        update_options = {"always": True}

    return CleanRunBot()


@dataclass
class Run:
    """One faulted or killed script run."""

    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    requests: int = 0
    faulted: int = 0
    work_seconds: float = 0.0  # from the first API request to the end

    @property
    def printed_events(self) -> list[dict]:
        found = []
        for line in self.stdout.splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                continue  # a killed run may leave half a line
        return [e for e in found if isinstance(e, dict) and "kind" in e]

    @property
    def tracebacks(self) -> int:
        return self.stderr.count("Traceback (most recent call last)")

    def verdict(self) -> str:
        """recovered / stopped cleanly / crashed, in a few words."""
        if self.returncode is None or self.returncode < 0:
            return "killed"
        noise = f" ({self.tracebacks} retry tracebacks logged)" if self.tracebacks else ""
        if self.returncode == 0:
            return "recovered" + noise
        last = [line for line in self.stderr.splitlines() if line.strip()][-1:]
        last_line = last[0] if last else ""
        if "uncaught exception" in last_line or last_line.startswith(("Traceback", "  ")):
            return f"crashed: {last_line.split('exception ')[-1][:70]}"
        return f"stopped: {last_line[:70]}{noise}"


def event_key(event: dict) -> tuple:
    """What identifies a printed event (its JSON carries no key): the Event.key fields."""
    return (event["wiki"], event["board"], event["revid"], event["kind"], event["thread"],
            event.get("author") or "", event.get("comment_time") or "")


def _key_of(event) -> tuple:
    return (event.wiki, event.board, event.revid, event.kind, event.thread_key,
            event.author or "",
            event.comment_time.isoformat() if event.comment_time else "")


class FaultLab:
    """The proxy, its Pywikibot directory and the helpers every fault test uses."""

    def __init__(self, wikis, config, tmp: Path) -> None:
        self.wikis, self.config, self.tmp = wikis, config, tmp
        self.proxy = FaultProxy(wikis.api_url("public")).start()
        self.pwb_dir = pywikibot_dir_via_proxies(
            wikis.pywikibot_dir, tmp / "pywikibot-proxied",
            {wikis.api_url("public"): self.proxy.url},
            settings={"socket_timeout": SOCKET_TIMEOUT})
        self.wiki = next(w for w in config.wikis.values() if w.backlog_page)
        self.backlog = self.wiki.backlog_page
        self.admin = Seeder(wikis).session("public", "Admin", anonymous=False)
        self.reader = requests.Session()
        self._stores = 0

    def close(self) -> None:
        self.proxy.stop()

    def new_store_url(self) -> str:
        self._stores += 1
        return f"sqlite:///{self.tmp}/state-{self._stores}.sqlite"

    def _env(self, store_url: str) -> dict:
        return {**os.environ, **self.wikis.environment(), "PYWIKIBOT_DIR": str(self.pwb_dir),
                "NBH_STATE_URL": store_url}

    def _argv(self) -> list[str]:
        return [PWB, "watch_noticeboards", "-once", f"-backfill:{BACKFILL.days}", "-json"]

    def script_run(self, store_url: str, *, timeout: float = 150) -> Run:
        """The watch script through the proxy, as the scheduled job runs it."""
        self.proxy.reset_stats()
        started = time.monotonic()
        done = subprocess.run(self._argv(), cwd=REPO, env=self._env(store_url),
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        stats = self.proxy.stats
        return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started,
                   stats.requests, stats.faulted)

    def killed_run(self, store_url: str, delay: float | None) -> Run:
        """The watch script, SIGKILLed *delay* seconds after its first API request.

        Counting from the first request skips Python's start-up, where a kill
        tests nothing; ``delay=None`` lets the run finish (to time it).
        """
        self.proxy.reset_stats()
        started = time.monotonic()
        proc = subprocess.Popen(self._argv(), cwd=REPO, env=self._env(store_url),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)
        deadline = started + 60
        while self.proxy.stats.requests == 0 and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        first = time.monotonic()
        try:
            proc.wait(timeout=delay if delay is not None else 150)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        return Run(proc.returncode, out, err, time.monotonic() - started,
                   self.proxy.stats.requests, work_seconds=time.monotonic() - first)

    def clean_run(self, store_url: str, *, publish: bool = True) -> list:
        """A fault-free cycle in this process (direct to the wiki), as the script runs
        it: the events it reports include those a killed run stored but never printed."""
        publisher = Publisher(self.config, _clean_bot()) if publish else None
        store = Store(store_url)
        events = run_cycle(self.config, store, publisher, backfill=BACKFILL,
                           unreported=True).events
        store.mark_reported(events)
        return events

    # -- the backlog page -----------------------------------------------------------
    def human_edit(self, note: str) -> int:
        """A human overwrites the backlog page, so the bot has a save to do."""
        result = self.admin.call("POST", action="edit", title=self.backlog,
                                 text=f"Stale copy ({note}).\n", summary="manual edit",
                                 token=self.admin.token)["edit"]
        return int(result.get("newrevid") or result.get("oldrevid") or 0)

    def _revisions(self) -> list[dict]:
        reply = self.reader.get(self.wikis.api_url("public"), params={
            "action": "query", "prop": "revisions", "titles": self.backlog,
            "rvprop": "ids|user|content", "rvslots": "main", "rvlimit": 20,
            "format": "json", "formatversion": 2}, timeout=30).json()
        return reply["query"]["pages"][0].get("revisions", [])

    def backlog_text(self) -> str:
        revisions = self._revisions()
        return revisions[0]["slots"]["main"]["content"] if revisions else ""

    def bot_edits_since(self, revid: int) -> int:
        return sum(1 for r in self._revisions()
                   if r["revid"] > revid and r["user"] == BOT_ACCOUNT)


@dataclass
class Reference:
    keys: Counter            # event key -> 1
    positions: dict          # (wiki, board) -> last revid
    backlog: str             # the backlog page as a fault-free run leaves it
    script_seconds: float    # from the script's first request to its end
    script_requests: int
    fault_matches: dict      # fault kind -> matching requests in a fault-free script run


def _positions(config, store: Store) -> dict:
    found = {}
    for board in config.boards:
        state = store.board_state(board.wiki, board.title)
        found[(board.wiki, board.title)] = state.last_revid if state else None
    return found


@pytest.fixture(scope="module")
def lab(seeded_wikis, tmp_path_factory):
    config = load_config()
    running = FaultLab(seeded_wikis, config, tmp_path_factory.mktemp("faults"))
    yield running
    running.close()


@pytest.fixture(scope="module")
def reference(lab, request) -> Reference:
    """A fault-free run in process, and one of the script through a passive proxy."""
    url = lab.new_store_url()
    lab.human_edit("reference")
    lab.clean_run(url)
    store = Store(url)
    keys = Counter(_key_of(e) for e in store.events())
    backlog = lab.backlog_text()
    assert keys and max(keys.values()) == 1 and "Stale copy" not in backlog
    # The same through the proxy, counting which requests each fault kind could hit.
    for attempt in ("first",):
        lab.human_edit(f"reference script run ({attempt})")
        lab.proxy.set_faults(*(Fault(kind, every=10**9) for kind in (
            "drop", "maxlag", "readonly")))
        script = lab.killed_run(lab.new_store_url(), None)
        matches = {f.kind: matched for f, matched, _ in lab.proxy.counts()}
        lab.proxy.clear()
        assert script.returncode == 0, script.stderr[-2000:]
        assert Counter(event_key(e) for e in script.printed_events) == keys
        assert lab.backlog_text() == backlog
    request.addfinalizer(lambda: _print_table(request.config))
    return Reference(keys, _positions(lab.config, store), backlog, script.work_seconds,
                     script.requests, matches)


# -- the fault scenarios -------------------------------------------------------------------

@dataclass
class ScenarioResult:
    name: str
    faulted: Run
    lost: set
    extra: set
    duplicates: int
    unreported: int
    positions_equal: bool
    backlog_equal: bool
    bot_edits: int
    private_stale: bool | None


_SCENARIO_CACHE: dict[str, ScenarioResult] = {}


def _hook(lab: FaultLab, name: str):
    if name == "human-edit-of-target":
        return lambda request: lab.human_edit("edited between the bot's read and save")
    raise ValueError(f"unknown hook {name!r} in scenarios.yaml")


def _scenario_fault(lab: FaultLab, reference: Reference, spec: dict, rng: random.Random) -> Fault:
    fields = dict(spec["fault"])
    if fields["kind"] == "timeout":
        fields.setdefault("hang", HANG)
    if "hook" in spec:
        fields["hook"] = _hook(lab, spec["hook"])
    if spec.get("after") == "random":
        kind = fields["kind"]
        matches = reference.fault_matches.get(kind, reference.fault_matches["drop"])
        # Somewhere inside the cycle, leaving room for the retries to fail too.
        fields["after"] = rng.randrange(0, max(1, int(matches * 0.6)))
    return Fault(**fields)


def _run_scenario(lab: FaultLab, reference: Reference, spec: dict) -> ScenarioResult:
    name = spec["name"]
    if name in _SCENARIO_CACHE:
        return _SCENARIO_CACHE[name]
    rng = random.Random(f"{SEED}:{name}")
    fault = _scenario_fault(lab, reference, spec, rng)
    url = lab.new_store_url()
    dirty = lab.human_edit(f"before {name}")
    lab.proxy.set_faults(fault)
    try:
        faulted = lab.script_run(url)
    finally:
        lab.proxy.clear()
    clean = lab.clean_run(url)
    store = Store(url)
    final = Counter(_key_of(e) for e in store.events())
    printed = Counter(event_key(e) for e in faulted.printed_events) + Counter(
        _key_of(e) for e in clean)
    stale = store.stale("private")
    result = ScenarioResult(
        name=name, faulted=faulted,
        lost=set(reference.keys) - set(final), extra=set(final) - set(reference.keys),
        duplicates=sum(n - 1 for n in final.values()) + sum(
            n - 1 for n in printed.values() if n > 1),
        unreported=len(set(reference.keys) - set(printed)),
        positions_equal=_positions(lab.config, store) == reference.positions,
        backlog_equal=lab.backlog_text() == reference.backlog,
        bot_edits=lab.bot_edits_since(dirty), private_stale=stale)
    _SCENARIO_CACHE[name] = result
    row = _row(f"{fault.kind}: {name}")
    row.runs += 2
    row.outcomes[faulted.verdict()] += 1
    row.lost += len(result.lost)
    row.duplicates += result.duplicates
    row.unreported += result.unreported
    row.backlog_wrong += not result.backlog_equal
    row.tracebacks += faulted.tracebacks
    row.injected += faulted.faulted
    row.notes.append(f"after={fault.after}, {faulted.requests} requests")
    return result


@pytest.mark.parametrize("spec", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_fault_then_clean_run_stores_what_a_fault_free_run_stores(lab, reference, spec):
    result = _run_scenario(lab, reference, spec)
    assert not result.lost, f"{len(result.lost)} event(s) lost: {sorted(result.lost)[:3]}"
    assert not result.extra, f"events a fault-free run does not find: {sorted(result.extra)[:3]}"
    assert result.duplicates == 0
    assert result.positions_equal
    assert result.private_stale in (None, False)


@pytest.mark.parametrize("spec", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_fault_then_clean_run_leaves_the_backlog_page_as_a_fault_free_run(lab, reference, spec):
    result = _run_scenario(lab, reference, spec)
    assert result.backlog_equal, (
        f"after {spec['name']} and a clean run the backlog page is not what a fault-free "
        f"run leaves (faulted run: {result.faulted.verdict()})")
    assert result.bot_edits <= 1, f"{result.bot_edits} bot edits for one change"


@pytest.mark.parametrize("spec", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_faulted_run_recovers_or_stops_with_one_clear_line(lab, reference, spec):
    run = _run_scenario(lab, reference, spec).faulted
    assert run.returncode in (0, 1), run.stderr[-1500:]
    assert run.tracebacks == 0, (
        f"{run.verdict()}; {run.tracebacks} traceback(s) in stderr, last lines:\n"
        + "\n".join(run.stderr.splitlines()[-4:]))
    if run.returncode:
        assert run.stderr.strip().splitlines()[-1].startswith("ERROR: "), run.stderr[-800:]


# -- killed at random points ----------------------------------------------------------------

@contextmanager
def _kill_at(store: Store, mode: str, point: int):
    """Raise :class:`SimulatedKill` at the *point*-th API request or SQL statement."""
    import sqlalchemy as sa
    from pywikibot.data import api

    count = {"n": 0}

    def tick() -> None:
        count["n"] += 1
        if count["n"] == point:
            raise SimulatedKill(f"{mode} #{point}")

    original = api.Request.submit

    def submit(self):
        if mode == "before-request":
            tick()
        result = original(self)
        if mode == "after-reply":
            tick()
        return result

    def before_execute(*_args, **_kwargs) -> None:
        tick()

    if mode == "sql":
        sa.event.listen(store.engine, "before_cursor_execute", before_execute)
    else:
        api.Request.submit = submit
    try:
        yield count
    finally:
        api.Request.submit = original
        if mode == "sql":
            sa.event.remove(store.engine, "before_cursor_execute", before_execute)


def _count_points(lab: FaultLab) -> dict[str, int]:
    """How many API requests and SQL statements one fault-free in-process cycle makes."""
    counts = {}
    for mode in ("before-request", "sql"):
        store = Store(lab.new_store_url())
        with _kill_at(store, mode, 10**9) as count:
            run_cycle(lab.config, store, None, backfill=BACKFILL)
        counts[mode] = count["n"]
    counts["after-reply"] = counts["before-request"]
    return counts


def _check_after_kill(lab: FaultLab, reference: Reference, url: str, row: Row,
                      printed: Counter, *, publish: bool = True) -> list[str]:
    clean = lab.clean_run(url, publish=publish)
    store = Store(url)
    final = Counter(_key_of(e) for e in store.events())
    printed = printed + Counter(_key_of(e) for e in clean)
    problems = []
    lost, extra = set(reference.keys) - set(final), set(final) - set(reference.keys)
    duplicates = sum(n - 1 for n in printed.values() if n > 1)
    if lost or extra:
        problems.append(f"{len(lost)} lost, {len(extra)} unexpected")
    if duplicates:
        problems.append(f"{duplicates} reported twice")
    if _positions(lab.config, store) != reference.positions:
        problems.append("board positions differ")
    if publish and store.stale("private"):
        problems.append("private pages left stale")
    row.lost += len(lost)
    row.duplicates += duplicates
    row.unreported += len(set(reference.keys) - set(printed))
    return problems


def test_killed_in_process_at_random_points_then_clean_run_equals_reference(lab, reference):
    rng = random.Random(f"{SEED}:in-process")
    totals = _count_points(lab)
    row = _row(f"crash in process ({IN_PROCESS_KILLS} random points)")
    failures = []
    for n in range(IN_PROCESS_KILLS):
        mode = rng.choice(("before-request", "after-reply", "sql"))
        point = rng.randint(1, totals[mode])
        url = lab.new_store_url()
        store = Store(url)
        with _kill_at(store, mode, point):
            try:
                # Watching only: the SIGKILL test covers kills in the publishing path.
                run_cycle(lab.config, store, None, backfill=BACKFILL)
                row.outcomes["finished before the kill point"] += 1
            except SimulatedKill:
                row.outcomes[f"killed ({mode})"] += 1
                row.injected += 1
        row.runs += 2
        problems = _check_after_kill(lab, reference, url, row, Counter(), publish=False)
        if problems:
            failures.append(f"{mode} #{point}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
    assert sum(v for k, v in row.outcomes.items() if k.startswith("killed")) >= \
        IN_PROCESS_KILLS * 0.8


def test_sigkilled_script_at_random_times_then_clean_run_equals_reference(lab, reference):
    rng = random.Random(f"{SEED}:sigkill")
    row = _row(f"SIGKILL of the script ({SIGKILLS} random times)")
    failures, stale_backlog = [], []
    for n in range(SIGKILLS):
        url = lab.new_store_url()
        dirty = lab.human_edit(f"before kill {n}")
        delay = rng.uniform(0.0, 0.95) * reference.script_seconds
        run = lab.killed_run(url, delay)
        row.runs += 2
        killed = run.returncode == -signal.SIGKILL
        row.outcomes["killed" if killed else "finished first"] += 1
        row.injected += killed
        printed = Counter(event_key(e) for e in run.printed_events)
        problems = _check_after_kill(lab, reference, url, row, printed)
        if problems:
            failures.append(f"kill at {delay:.1f}s (request {run.requests}): "
                            f"{'; '.join(problems)}")
        if lab.backlog_text() != reference.backlog or lab.bot_edits_since(dirty) > 1:
            row.backlog_wrong += 1
            stale_backlog.append(f"kill at {delay:.1f}s (request {run.requests})")
    assert not failures, "\n".join(failures)
    assert row.outcomes["killed"] >= SIGKILLS * 0.6
    assert not stale_backlog, ("backlog page not refreshed by the clean run after: "
                               + ", ".join(stale_backlog))


# -- the table -----------------------------------------------------------------------------

def results_table() -> str:
    """The results so far as Markdown."""
    lines = ["| fault | runs | faults injected | outcome of the faulted run | events lost | "
             "duplicates | never reported | backlog page wrong |",
             "|---|---|---|---|---|---|---|---|"]
    for row in RESULTS.values():
        outcome = "; ".join(f"{k} ×{v}" if v > 1 else k for k, v in row.outcomes.items())
        lines.append(f"| {row.fault} | {row.runs} | {row.injected} | {outcome} | {row.lost} | "
                     f"{row.duplicates} | {row.unreported} | {row.backlog_wrong} |")
    return "\n".join(lines)


def _print_table(config) -> None:
    if not RESULTS:
        return
    table = (f"Fault injection (seed {SEED}; each faulted run followed by a clean run; "
             f"'never reported' = stored but printed by no run):\n\n{results_table()}\n")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("")
        for line in table.splitlines():
            reporter.write_line(line)
    else:
        print(table)
    target = os.environ.get("NBH_FAULT_RESULTS")
    if target:
        Path(target).write_text(table)
