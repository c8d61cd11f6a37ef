"""Faults between the bot and the real local wikis: nothing lost, nothing repeated.

One ``bot.faultproxy`` sits between Pywikibot and the public local wiki, another in
front of the private (functionaries') wiki.

* Public: each scenario of ``tests/data/faults/scenarios.yaml`` runs ``pwb
  watch_noticeboards -once -backfill:30 -json`` with one fault active, on a fresh SQLite
  store, then a clean run on the same store; the stored events, the board positions and
  the public backlog page must then equal a fault-free run's.
* Private: each scenario of ``tests/data/faults/private_scenarios.yaml`` faults the
  private wiki's requests (page saves, EmailUser) during the private phase of a cycle
  (the triage queue, urgent list and reporter flags, emergency and flag mail), then a
  clean run: the private pages must read as a fault-free run leaves them, every mail of
  a fault-free run must be caught by the SMTP catcher, a mail may come twice only where
  the wiki accepted it and the bot never learnt so (at least once, see
  ``bot.functionaries.deliver``), and the bot makes no more edits than a fault-free run.
  These runs are cycles in this process, reaching both wikis through the proxies under
  their own family names and mapping errors as the script does (``run_script``), on a
  copy of a store that already holds the events, so each goes straight to its private
  phase; the fault-free reference is a real script run.
* Kills: a cycle is stopped at 50 random points (seeded): in-process at a random API
  request or SQL statement of a watching cycle or of the private phase, and with a real
  SIGKILL of the script at a random time; each is followed by a clean run.

At the end the results are printed as a Markdown table (fault, runs, outcome, events
lost, duplicates, private pages and mail); ``NBH_FAULT_RESULTS=path`` also writes it to
a file, and ``NBH_FAULT_SEED`` changes the seed.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
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
from bot.faultproxy import Fault, FaultProxy, family_module, pywikibot_dir_via_proxies
from bot.localwiki import BOT_ACCOUNT, WIKIS as WIKI_SPECS
from bot.mailcatcher import read_mail
from bot.publish import Publisher
from bot.scripting import NoticeboardBot, run_script
from bot.seeding import Seeder
from bot.store import Store, outbox
from tests.harness import REPO

pytestmark = pytest.mark.live

SEED = int(os.environ.get("NBH_FAULT_SEED", "20261126"))
BACKFILL = timedelta(days=30)
SCENARIOS = yaml.safe_load((REPO / "tests/data/faults/scenarios.yaml").read_text())["scenarios"]
PRIVATE = yaml.safe_load((REPO / "tests/data/faults/private_scenarios.yaml").read_text())
PRIVATE_SCENARIOS = PRIVATE["scenarios"]
# A read timeout well above what the local wiki needs, and a hang just above it.
SOCKET_TIMEOUT = (2.0, 2.5)
HANG = 3.0
IN_PROCESS_KILLS = 34   # a watching cycle
PRIVATE_KILLS = 8       # the private phase (pages and mail) of a publishing cycle,
MAIL_KILLS = 2          # of which this many just after the wiki accepted a mail
SIGKILLS = 8
# Faults whose request reached the wiki before the reply was lost: a mail sent under
# one of them may be sent again (the bot cannot tell it went out).
REPLY_LOST = frozenset({"malformed", "truncated"})
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
    private: bool = False   # checks the private pages and mail (and not the backlog page)
    private_wrong: int = 0  # runs after which a private page differs from the reference
    mails_lost: int = 0
    mails_twice: int = 0    # each one explained by a send the store could not record
    extra_edits: int = 0    # bot edits on the private pages beyond a fault-free run's


RESULTS: dict[str, Row] = {}


def _row(name: str, *, private: bool = False) -> Row:
    return RESULTS.setdefault(name, Row(name, private=private))


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
    log: list = field(default_factory=list)       # the proxy's (n, action, prop, fault)
    matches: dict = field(default_factory=dict)   # fault kind -> matching requests

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


class _Lines(logging.Handler):
    """Pywikibot's warnings and errors of an in-process run, as the script prints them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname}: {record.getMessage()}")


class FaultLab:
    """The proxies, their Pywikibot directory and the helpers every fault test uses."""

    def __init__(self, wikis, config, tmp: Path) -> None:
        self.wikis, self.config, self.tmp = wikis, config, tmp
        self.proxy = FaultProxy(wikis.api_url("public")).start()
        self.private_proxy = FaultProxy(wikis.api_url("private")).start()
        proxies = {wikis.api_url("public"): self.proxy.url,
                   wikis.api_url("private"): self.private_proxy.url}
        self.pwb_dir = pywikibot_dir_via_proxies(
            wikis.pywikibot_dir, tmp / "pywikibot-proxied", proxies,
            settings={"socket_timeout": SOCKET_TIMEOUT})
        private = config.private
        self.private_pages = tuple(t for t in (private.triage_queue, private.urgent_page,
                                               private.flags_page) if t)
        self.private_admin = Seeder(wikis).session("private", "Admin", anonymous=False)
        self.private_config_file, self.private_config = self._private_deployment(
            proxies, PRIVATE["recipients"])
        self._prepared: Path | None = None
        self.wiki = next(w for w in config.wikis.values() if w.backlog_page)
        self.backlog = self.wiki.backlog_page
        self.admin = Seeder(wikis).session("public", "Admin", anonymous=False)
        self.reader = requests.Session()
        self._stores = 0

    def close(self) -> None:
        self.proxy.stop()
        self.private_proxy.stop()

    def _private_deployment(self, proxies: dict, recipients: list[str]):
        """The deployment with *recipients* for emergency and flag mail, twice: a file
        for the script (its Pywikibot directory reaches both wikis through the proxies)
        and a configuration for this process, whose wikis are reached through the
        proxies under family names of their own (the direct families stay as they are)."""
        import pywikibot

        raw = yaml.safe_load(Path(self.config.path).read_text())
        raw["private"]["emergency_recipients"] = list(recipients)
        raw["private"]["flag_recipients"] = list(recipients)
        for_script = self.tmp / "deployment-private.yaml"
        for_script.write_text(yaml.safe_dump(raw, allow_unicode=True))
        families = self.tmp / "families-in-process"
        families.mkdir(exist_ok=True)
        for spec in raw["wikis"].values():
            local = next(w for w in WIKI_SPECS if w.family == spec["family"])
            name = f"fault{spec['family']}"
            path = families / f"{name}_family.py"
            path.write_text(family_module(name, proxies[self.wikis.api_url(local.key)]))
            pywikibot.config.family_files[name] = str(path)
            pywikibot.config.usernames.setdefault(name, {})["*"] = BOT_ACCOUNT
            spec["family"] = spec["code"] = name
        in_process = self.tmp / "deployment-private-in-process.yaml"
        in_process.write_text(yaml.safe_dump(raw, allow_unicode=True))
        return for_script, load_config(in_process)

    def new_store_url(self) -> str:
        self._stores += 1
        return f"sqlite:///{self.tmp}/state-{self._stores}.sqlite"

    def prepare_store(self) -> None:
        """A store holding every event, as a run that died before its private phase
        leaves it; :meth:`store_copy` hands out copies, whose runs go straight to the
        private phase."""
        url = self.new_store_url()
        store = Store(url)
        run_cycle(self.private_config, store, None, backfill=BACKFILL)
        store.mark_fresh(f"backlog:{self.wiki.name}")
        assert store.stale("private") and store.events()
        store.engine.dispose()
        self._prepared = Path(url.removeprefix("sqlite:///"))

    def store_copy(self) -> str:
        url = self.new_store_url()
        source = sqlite3.connect(self._prepared)
        target = sqlite3.connect(url.removeprefix("sqlite:///"))
        with target:
            source.backup(target)
        source.close()
        target.close()
        return url

    def _env(self, store_url: str, config_file: Path | None = None) -> dict:
        return {**os.environ, **self.wikis.environment(), "PYWIKIBOT_DIR": str(self.pwb_dir),
                "NBH_STATE_URL": store_url,
                **({"NBH_CONFIG": str(config_file)} if config_file else {})}

    def _argv(self) -> list[str]:
        return [PWB, "watch_noticeboards", "-once", f"-backfill:{BACKFILL.days}", "-json"]

    def script_run(self, store_url: str, *, timeout: float = 150,
                   config_file: Path | None = None) -> Run:
        """The watch script through the proxies, as the scheduled job runs it."""
        self.proxy.reset_stats()
        started = time.monotonic()
        done = subprocess.run(self._argv(), cwd=REPO, env=self._env(store_url, config_file),
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

    def clean_run(self, store_url: str, *, publish: bool = True,
                  private: bool = False) -> list:
        """A fault-free cycle in this process, as the script runs it: the events it
        reports include those a killed run stored but never printed.  Direct to the
        wikis, or with *private* through the proxies with the private deployment."""
        config = self.private_config if private else self.config
        publisher = Publisher(config, _clean_bot()) if publish else None
        store = Store(store_url)
        events = run_cycle(config, store, publisher, backfill=BACKFILL,
                           unreported=True).events
        store.mark_reported(events)
        return events

    def in_process_run(self, store: Store, *, faults: tuple[Fault, ...] = ()) -> Run:
        """A publishing cycle of the private deployment in this process, through the
        proxies with *faults* on the private one, as the script runs it: errors are
        mapped by ``run_script``, events printed (as -json) and marked reported."""
        import pywikibot

        lines = _Lines()
        pywiki = logging.getLogger("pywiki")
        pywiki.addHandler(lines)  # before run_script, which adds its one-line filter
        # run_script sets up the script's logging; the rest of the session keeps its own.
        nbh = logging.getLogger("nbh")
        nbh_setup = (list(nbh.handlers), nbh.level, nbh.propagate)
        socket_timeout = pywikibot.config.socket_timeout
        pywikibot.config.socket_timeout = SOCKET_TIMEOUT
        self.private_proxy.set_faults(*faults)
        self.private_proxy.reset_stats()
        printed: list = []

        def work() -> int:
            report = run_cycle(self.private_config, store,
                               Publisher(self.private_config, _clean_bot()),
                               backfill=BACKFILL, unreported=True)
            printed.extend(report.events)
            store.mark_reported(report.events)
            return 0

        started = time.monotonic()
        try:
            code = run_script(work)
        except Exception as exc:  # what pwb reports as an uncaught exception
            code = 1
            lines.lines += [traceback.format_exc(),
                            f"CRITICAL: Exiting due to uncaught exception {exc!r}"]
        finally:
            pywikibot.config.socket_timeout = socket_timeout
            pywiki.removeHandler(lines)
            nbh.handlers[:] = nbh_setup[0]
            nbh.setLevel(nbh_setup[1])
            nbh.propagate = nbh_setup[2]
            matches = {f.kind: matched for f, matched, _ in self.private_proxy.counts()}
            self.private_proxy.clear()
        stats = self.private_proxy.stats
        return Run(code, "\n".join(json.dumps(e.as_dict(), ensure_ascii=False)
                                   for e in printed),
                   "\n".join(lines.lines), time.monotonic() - started, stats.requests,
                   stats.faulted, log=list(stats.log), matches=matches)

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

    # -- the private pages and mail ---------------------------------------------------
    def dirty_private(self, note: str) -> int:
        """A functionary overwrites every private page, so the bot has saves to do;
        returns the last revision id."""
        revids = []
        for title in self.private_pages:
            result = self.private_admin.call(
                "POST", action="edit", title=title, text=f"Stale copy ({note}).\n",
                summary="manual edit", token=self.private_admin.token)["edit"]
            revids.append(int(result.get("newrevid") or result.get("oldrevid") or 0))
        return max(revids)

    def human_private_edit(self, title: str) -> None:
        self.private_admin.call("POST", action="edit", title=title,
                                appendtext="\nA functionary's note.\n", summary="note",
                                token=self.private_admin.token)

    def private_texts(self) -> dict[str, str | None]:
        pages = self.private_admin.call(
            "GET", action="query", prop="revisions", rvprop="content", rvslots="main",
            titles="|".join(self.private_pages))["query"]["pages"]
        return {p["title"]: p["revisions"][0]["slots"]["main"]["content"]
                if p.get("revisions") else None for p in pages}

    def private_bot_edits_since(self, revid: int) -> int:
        contribs = self.private_admin.call(
            "GET", action="query", list="usercontribs", ucuser=BOT_ACCOUNT, uclimit=100,
            ucprop="ids|title")["query"]["usercontribs"]
        return sum(1 for c in contribs if c["revid"] > revid and c["title"] in
                   self.private_pages)

    def mail_mark(self) -> set[Path]:
        return set(self.wikis.mail_dir.glob("*.eml"))

    def mails_since(self, mark: set[Path]) -> Counter:
        """Mail the catcher received since *mark*: (recipients, subject, body) -> count."""
        new = set(self.wikis.mail_dir.glob("*.eml")) - mark
        # Read by the catcher's own reader, given only the new files (the directory
        # holds every mail of the session).
        with tempfile.TemporaryDirectory() as scratch:
            for path in new:
                (Path(scratch) / path.name).symlink_to(path)
            return Counter((m.recipients, m.subject, m.body.strip())
                           for m in read_mail(Path(scratch)))


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
    if name == "human-edit-of-private-target":
        return lambda request: lab.human_private_edit(request.params["title"])
    raise ValueError(f"unknown hook {name!r} in the scenarios")


def _scenario_fault(lab: FaultLab, fault_matches: dict, spec: dict,
                    rng: random.Random) -> Fault:
    fields = dict(spec["fault"])
    if fields["kind"] == "timeout":
        fields.setdefault("hang", HANG)
    if "hook" in spec:
        fields["hook"] = _hook(lab, spec["hook"])
    if spec.get("after") == "random":
        kind = fields["kind"]
        matches = fault_matches.get(kind, fault_matches["drop"])
        # Somewhere inside the cycle, leaving room for the retries to fail too.
        fields["after"] = rng.randrange(0, max(1, int(matches * 0.6)))
    return Fault(**fields)


def _run_scenario(lab: FaultLab, reference: Reference, spec: dict) -> ScenarioResult:
    name = spec["name"]
    if name in _SCENARIO_CACHE:
        return _SCENARIO_CACHE[name]
    rng = random.Random(f"{SEED}:{name}")
    fault = _scenario_fault(lab, reference.fault_matches, spec, rng)
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


# -- the private wiki and the mail path ------------------------------------------------------

@dataclass
class PrivateReference:
    texts: dict          # private page -> its text after a fault-free run
    edits: int           # bot edits a fault-free run makes on the dirtied private pages
    mails: Counter       # (recipients, subject, body) -> 1: what a fault-free run mails
    fault_matches: dict  # fault kind -> matching private requests of an in-process run
    points: dict         # API requests and SQL statements of an in-process run, and the
                         # first of each in its private phase


def _sent_count(store: Store) -> int:
    """Outbox items the store records as delivered."""
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(outbox).where(
            outbox.c.sent.is_not(None))).scalar()


@contextmanager
def _phase_counter(store: Store, private_family: str):
    """Count API requests and SQL statements, noting where the private wiki's begin."""
    import sqlalchemy as sa
    from pywikibot.data import api

    counts = {"api": 0, "sql": 0, "private_api": 0, "private_sql": 0}
    original = api.Request.submit

    def submit(self):
        counts["api"] += 1
        if not counts["private_api"] and self.site.family.name == private_family:
            counts["private_api"], counts["private_sql"] = counts["api"], counts["sql"] + 1
        return original(self)

    def before_execute(*_args, **_kwargs) -> None:
        counts["sql"] += 1

    api.Request.submit = submit
    sa.event.listen(store.engine, "before_cursor_execute", before_execute)
    try:
        yield counts
    finally:
        api.Request.submit = original
        sa.event.remove(store.engine, "before_cursor_execute", before_execute)


@pytest.fixture(scope="module")
def private_reference(lab, reference) -> PrivateReference:
    """A fault-free script run on a fresh store, then the same in this process from the
    prepared store (as the private scenarios and kills run): same pages, same mail."""
    mark, seen = lab.dirty_private("private reference"), lab.mail_mark()
    script = lab.script_run(lab.new_store_url(), config_file=lab.private_config_file)
    assert script.returncode == 0, script.stderr[-2000:]
    texts, edits = lab.private_texts(), lab.private_bot_edits_since(mark)
    mails = lab.mails_since(seen)
    assert all(t and "Stale copy" not in t for t in texts.values()), texts
    assert edits == len(lab.private_pages)
    assert mails and set(mails.values()) == {1}, mails
    subjects = {subject for _, subject, _ in mails}
    assert any("emergency" in s for s in subjects) and any("history" in s for s in subjects)
    recipients = {who.split(" <")[0] for rs, _, _ in mails for who in rs}
    assert recipients == set(PRIVATE["recipients"]), recipients

    lab.prepare_store()
    private_family = lab.private_config.wikis[lab.private_config.private.wiki].family
    for attempt in ("warm-up", "counted"):  # the first also logs in through the proxies
        mark, seen = lab.dirty_private(f"private reference in process ({attempt})"), \
            lab.mail_mark()
        store = Store(lab.store_copy())
        with _phase_counter(store, private_family) as points:
            run = lab.in_process_run(store, faults=tuple(
                Fault(kind, every=10**9) for kind in ("drop", "maxlag", "readonly")))
        assert run.returncode == 0 and not store.stale("private"), run.stderr[-2000:]
        assert lab.private_texts() == texts, f"{attempt}: in process, other private pages"
        assert lab.private_bot_edits_since(mark) == edits
        assert lab.mails_since(seen) == mails, f"{attempt}: in process, other mail"
    assert 0 < points["private_api"] < points["api"] and \
        0 < points["private_sql"] < points["sql"], points
    return PrivateReference(texts, edits, mails, run.matches, dict(points))


@dataclass
class PrivateCheck:
    """The private pages and mail after a faulted or killed run and a clean run."""

    wrong_pages: list[str]
    lost: int          # mails of a fault-free run never caught
    unexpected: int    # caught mails a fault-free run does not send
    twice: int         # extra copies of mails of a fault-free run
    unrecorded: int    # mails the faulted run caused that the store has not marked sent
    bot_edits: int
    stale: bool

    def problems(self, reference: PrivateReference, may_repeat: int) -> list[str]:
        found = []
        if self.wrong_pages:
            found.append(f"private pages differ from a fault-free run: {self.wrong_pages}")
        if self.lost or self.unexpected:
            found.append(f"{self.lost} mail(s) lost, {self.unexpected} unexpected")
        if self.twice != self.unrecorded:
            found.append(f"{self.twice} mail(s) sent twice, but {self.unrecorded} sent "
                         f"without being marked")
        if self.unrecorded > may_repeat:
            found.append(f"{self.unrecorded} mail(s) sent and not marked, where at most "
                         f"{may_repeat} had its reply lost")
        if self.bot_edits > reference.edits:
            found.append(f"{self.bot_edits} bot edits on the private pages, a fault-free "
                         f"run makes {reference.edits}")
        if self.stale:
            found.append("private pages left stale")
        return found

    def count(self, row: Row, reference: PrivateReference) -> None:
        row.private_wrong += bool(self.wrong_pages)
        row.mails_lost += self.lost
        row.mails_twice += self.twice
        row.extra_edits += max(0, self.bot_edits - reference.edits)


def _check_private(lab: FaultLab, reference: PrivateReference, url: str, mark: int,
                   seen: set, unrecorded: int) -> PrivateCheck:
    texts, mails = lab.private_texts(), lab.mails_since(seen)
    return PrivateCheck(
        wrong_pages=[t for t, text in reference.texts.items() if texts.get(t) != text],
        lost=sum(1 for k in reference.mails if not mails[k]),
        unexpected=sum(n for k, n in mails.items() if k not in reference.mails),
        twice=sum(n - 1 for k, n in mails.items() if k in reference.mails and n > 1),
        unrecorded=unrecorded, bot_edits=lab.private_bot_edits_since(mark),
        stale=Store(url).stale("private"))


def _reply_lost_mails(run: Run, fault: Fault) -> int:
    """EmailUser requests the wiki carried out but whose reply the proxy spoiled."""
    if not (fault.upstream or fault.kind in REPLY_LOST):
        return 0
    return sum(1 for _, action, _, kind in run.log if action == "emailuser" and kind)


@dataclass
class PrivateResult:
    faulted: Run
    events: list[str]    # problems with events, positions, printing
    check: PrivateCheck
    may_repeat: int


_PRIVATE_CACHE: dict[str, PrivateResult] = {}


def _run_private_scenario(lab: FaultLab, reference: Reference, private: PrivateReference,
                          spec: dict) -> PrivateResult:
    name = spec["name"]
    if name in _PRIVATE_CACHE:
        return _PRIVATE_CACHE[name]
    rng = random.Random(f"{SEED}:{name}")
    fault = _scenario_fault(lab, private.fault_matches, spec, rng)
    url = lab.store_copy()
    store = Store(url)
    mark, seen = lab.dirty_private(f"before {name}"), lab.mail_mark()
    faulted = lab.in_process_run(store, faults=(fault,))
    unrecorded = sum(lab.mails_since(seen).values()) - _sent_count(store)
    row = _row(f"{fault.kind}: {name} (private wiki)", private=True)
    events = _check_after_kill(lab, reference, url, row,
                               Counter(event_key(e) for e in faulted.printed_events),
                               private=True)
    check = _check_private(lab, private, url, mark, seen, unrecorded)
    result = PrivateResult(faulted, events, check, _reply_lost_mails(faulted, fault))
    _PRIVATE_CACHE[name] = result
    row.runs += 2
    row.outcomes[faulted.verdict()] += 1
    row.tracebacks += faulted.tracebacks
    row.injected += faulted.faulted
    check.count(row, private)
    row.notes.append(f"after={fault.after}, {faulted.requests} private requests")
    return result


@pytest.mark.parametrize("spec", PRIVATE_SCENARIOS, ids=[s["name"] for s in PRIVATE_SCENARIOS])
def test_private_fault_then_clean_run_stores_what_a_fault_free_run_stores(
        lab, reference, private_reference, spec):
    result = _run_private_scenario(lab, reference, private_reference, spec)
    assert not result.events, result.events
    assert not result.check.stale


@pytest.mark.parametrize("spec", PRIVATE_SCENARIOS, ids=[s["name"] for s in PRIVATE_SCENARIOS])
def test_private_fault_then_clean_run_leaves_private_pages_as_a_fault_free_run(
        lab, reference, private_reference, spec):
    check = _run_private_scenario(lab, reference, private_reference, spec).check
    assert not check.wrong_pages, (
        f"after {spec['name']} and a clean run these private pages are not what a "
        f"fault-free run leaves: {check.wrong_pages}")
    assert check.bot_edits <= private_reference.edits, \
        f"{check.bot_edits} bot edits, a fault-free run makes {private_reference.edits}"


@pytest.mark.parametrize("spec", PRIVATE_SCENARIOS, ids=[s["name"] for s in PRIVATE_SCENARIOS])
def test_private_fault_then_clean_run_mails_everyone_once(
        lab, reference, private_reference, spec):
    """No mail lost; a second copy only of a mail the wiki sent while its reply was lost
    (the at-least-once window), and then exactly as many as the store left unmarked."""
    result = _run_private_scenario(lab, reference, private_reference, spec)
    check = result.check
    assert check.lost == 0 and check.unexpected == 0, (check.lost, check.unexpected)
    assert check.twice == check.unrecorded, (check.twice, check.unrecorded)
    assert check.unrecorded <= result.may_repeat, (check.unrecorded, result.may_repeat)


@pytest.mark.parametrize("spec", PRIVATE_SCENARIOS, ids=[s["name"] for s in PRIVATE_SCENARIOS])
def test_private_faulted_run_recovers_or_stops_with_one_clear_line(
        lab, reference, private_reference, spec):
    run = _run_private_scenario(lab, reference, private_reference, spec).faulted
    assert run.returncode in (0, 1), run.stderr[-1500:]
    assert run.tracebacks == 0, (
        f"{run.verdict()}; {run.tracebacks} traceback(s), last lines:\n"
        + "\n".join(run.stderr.splitlines()[-4:]))
    if run.returncode:
        assert run.stderr.strip().splitlines()[-1].startswith("ERROR: "), run.stderr[-800:]


# -- killed at random points ----------------------------------------------------------------

@contextmanager
def _kill_at(store: Store, mode: str, point: int):
    """Raise :class:`SimulatedKill` at the *point*-th API request or SQL statement
    (``after-mail``: just after the wiki accepted the *point*-th EmailUser request)."""
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
        if mode == "after-reply" or (mode == "after-mail" and self.action == "emailuser"):
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
                      printed: Counter, *, publish: bool = True,
                      private: bool = False) -> list[str]:
    clean = lab.clean_run(url, publish=publish, private=private)
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
                # Watching only: the private-phase and SIGKILL tests kill publishing.
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


def test_killed_in_the_private_phase_then_clean_run_equals_reference(
        lab, reference, private_reference):
    """Kills between the first request to the private wiki and the end of the cycle:
    page saves, claims, EmailUser, marks.  A mail may come twice only when the kill fell
    between the wiki accepting it and the store marking it (at most one per kill); the
    last kills fall exactly there, so that documented duplicate is seen, once."""
    rng = random.Random(f"{SEED}:private-phase")
    points = private_reference.points
    row = _row(f"crash in the private phase ({PRIVATE_KILLS} random points, "
               f"{MAIL_KILLS} of them just after a mail was sent)", private=True)
    failures = []
    for n in range(PRIVATE_KILLS):
        if n < PRIVATE_KILLS - MAIL_KILLS:
            mode = rng.choice(("before-request", "after-reply", "sql"))
            kind = "sql" if mode == "sql" else "api"
            point = rng.randint(points[f"private_{kind}"], points[kind])
        else:
            mode, point = "after-mail", rng.randint(1, sum(private_reference.mails.values()))
        url = lab.store_copy()
        store = Store(url)
        mark, seen = lab.dirty_private(f"before private kill {n}"), lab.mail_mark()
        printed = Counter()
        with _kill_at(store, mode, point):
            try:
                run = lab.in_process_run(store)
                printed = Counter(event_key(e) for e in run.printed_events)
                row.outcomes["finished before the kill point"] += 1
            except SimulatedKill:
                row.outcomes[f"killed ({mode})"] += 1
                row.injected += 1
        unrecorded = sum(lab.mails_since(seen).values()) - _sent_count(store)
        row.runs += 2
        problems = _check_after_kill(lab, reference, url, row, printed, private=True)
        check = _check_private(lab, private_reference, url, mark, seen, unrecorded)
        check.count(row, private_reference)
        problems += check.problems(private_reference, may_repeat=1)
        if mode == "after-mail" and check.twice != 1:
            problems.append(f"killed after mail #{point} was sent: {check.twice} mail(s) "
                            f"came twice, at least once means exactly one")
        if problems:
            failures.append(f"{mode} #{point}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
    assert sum(v for k, v in row.outcomes.items() if k.startswith("killed")) >= \
        PRIVATE_KILLS * 0.8


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
             "duplicates | never reported | backlog page wrong | private pages wrong | "
             "mails lost | mails sent twice | extra private edits |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in RESULTS.values():
        outcome = "; ".join(f"{k} ×{v}" if v > 1 else k for k, v in row.outcomes.items())
        # "–": not what the row checks (public rows: the backlog; private rows: the rest).
        public = "–" if row.private else row.backlog_wrong
        private = [row.private_wrong, row.mails_lost, row.mails_twice, row.extra_edits] \
            if row.private else ["–"] * 4
        lines.append(f"| {row.fault} | {row.runs} | {row.injected} | {outcome} | {row.lost} | "
                     f"{row.duplicates} | {row.unreported} | {public} | "
                     + " | ".join(str(v) for v in private) + " |")
    return "\n".join(lines)


def _print_table(config) -> None:
    if not RESULTS:
        return
    table = (f"Fault injection (seed {SEED}; each faulted run followed by a clean run; "
             f"'never reported' = stored but printed by no run; rows marked '(private "
             f"wiki)' or 'private phase' fault the functionaries' wiki and its mail; mail "
             f"is at least once, so 'mails sent twice' counts mails the wiki sent while "
             f"the bot lost its reply or died before marking them):\n\n{results_table()}\n")
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
