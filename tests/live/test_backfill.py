"""Backfilling reporter history from a board's archives, against the real local wiki.

A board of its own is written here by real accounts signing with ``~~~~`` (so the
signatures carry the server's clock and the saving account), closed by an
administrator, one report forged in another user's name, one decided only by a
block, and the closed threads moved to an archive page.  Then ``pwb
backfill_reports`` must attribute every report to the account that saved it, read
each outcome, resume after an interruption, cost a handful of requests, and feed the
private reporter flags, and nothing else.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace

import pytest
import yaml

from bot.config import load_config
from bot.seeding import Seeder, _Session
from bot.localwiki import USER_AGENT
from tests.harness import run_pwb

pytestmark = pytest.mark.live

TAG = secrets.token_hex(3)
BOARD = f"Project:Backfill board {TAG}"
ARCHIVE = f"{BOARD}/Archive 1"
IP_TARGET = "198.51.100.77"


def _new_account(wikis, name: str) -> _Session:
    """A fresh account on the public wiki, logged in."""
    session = _Session(wikis.api_url("public"))
    session.http.headers["User-Agent"] = USER_AGENT
    token = session.call("GET", action="query", meta="tokens", type="createaccount")[
        "query"]["tokens"]["createaccounttoken"]
    password = secrets.token_urlsafe(16)
    result = session.call("POST", action="createaccount", username=name, password=password,
                          retype=password, createreturnurl=wikis.url("public") + "/",
                          createtoken=token)["createaccount"]
    assert result["status"] == "PASS", result
    # Creating an account through the API does not log the session in.
    login = session.call("GET", action="query", meta="tokens", type="login")[
        "query"]["tokens"]["logintoken"]
    result = session.call("POST", action="clientlogin", username=name, password=password,
                          loginreturnurl=wikis.url("public") + "/", logintoken=login)["clientlogin"]
    assert result["status"] == "PASS", result
    session.token = session.call("GET", action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    return session


def _text(session, title: str) -> str:
    pages = session.call("GET", action="query", prop="revisions", rvprop="content",
                         rvslots="main", titles=title)["query"]["pages"]
    return pages[0]["revisions"][0]["slots"]["main"]["content"]


def _post(session, heading: str, text: str) -> None:
    session.call("POST", action="edit", title=BOARD, section="new", sectiontitle=heading,
                 text=text, token=session.token)


def _close(session, heading: str, result: str) -> None:
    text = _text(session, BOARD)
    start = text.index(f"== {heading} ==")
    end = text.find("\n== ", start + 1)
    end = len(text) if end < 0 else end
    head_end = text.index("\n", start)
    thread = (text[start:head_end] + f"\n{{{{archive top|result={result} ~~~~}}}}"
              + text[head_end:end].rstrip("\n") + "\n{{archive bottom}}\n")
    session.call("POST", action="edit", title=BOARD, text=text[:start] + thread + text[end:],
                 summary=f"/* {heading} */ closing", token=session.token)


def _archive(session, headings: list[str]) -> None:
    text = _text(session, BOARD)
    moved = []
    for heading in headings:
        start = text.index(f"== {heading} ==")
        end = text.find("\n== ", start + 1)
        end = len(text) if end < 0 else end + 1
        moved.append(text[start:end].rstrip("\n"))
        text = text[:start] + text[end:]
    session.call("POST", action="edit", title=ARCHIVE, token=session.token,
                 text="{{Archive header}}\n\n" + "\n\n".join(moved) + "\n",
                 summary=f"Archiving {len(moved)} discussions from [[{BOARD}]]")
    session.call("POST", action="edit", title=BOARD, text=text, token=session.token,
                 summary=f"Archiving {len(moved)} discussions to [[{ARCHIVE}]]")


@pytest.fixture(scope="module")
def story(seeded_wikis, tmp_path_factory):
    """The board's history, and a deployment watching only it."""
    seeder = Seeder(seeded_wikis)
    ada = seeder.session("public", "Admin Ada", anonymous=False)
    reporter_name, good_name = f"Backfill Reporter {TAG}", f"Backfill Goodfaith {TAG}"
    reporter = _new_account(seeded_wikis, reporter_name)
    good = _new_account(seeded_wikis, good_name)
    ada.call("POST", action="edit", title=BOARD, token=ada.token, summary="board",
             text="Report problems with other editors below.\n")
    headings = []
    for n in range(3):
        heading = f"Hounding by Careful Reporter ({n + 1})"
        _post(reporter, heading, f"[[User:Careful Reporter]] keeps following me to article "
                                 f"number {n + 1} and reverting me out of spite. ~~~~")
        _close(ada, heading, "Unfounded: the diffs show ordinary editing, not hounding.")
        headings.append(heading)
    forged = "Careful Reporter is at it again"
    _post(reporter, forged, "[[User:Careful Reporter]] again, see my earlier reports. "
                            "[[User:Careful Reporter|Careful Reporter]] ([[User talk:Careful "
                            "Reporter|talk]]) 10:00, 1 November 2026 (UTC)")
    blocked = f"Vandalism from {IP_TARGET}"
    _post(good, blocked, f"[[Special:Contributions/{IP_TARGET}]] is blanking pages: "
                         f"[[Special:Diff/12]]. ~~~~")
    ada.call("POST", action="block", user=IP_TARGET, expiry="2 hours", reason="vandalism",
             token=ada.token)
    _close(ada, blocked, "Closing this thread.")
    _archive(ada, headings + [blocked])

    raw = yaml.safe_load(load_config().path.read_text(encoding="utf-8"))
    pub = raw["wikis"]["localpub"]
    pub["boards"] = [{"name": "bfboard", "title": BOARD, "preset": "enwiki"}]
    pub.pop("backlog_page", None)
    pub.pop("resource_pages", None)
    raw["wikis"]["localpriv"].pop("resource_pages", None)
    raw["private"] = {"wiki": "localpriv", "flags_page": f"Functionaries:Backfill flags {TAG}",
                      "triage_queue": f"Functionaries:Backfill queue {TAG}"}
    deployment = tmp_path_factory.mktemp("backfill") / "deployment.yaml"
    deployment.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    yield dict(deployment=deployment, reporter=reporter_name, good=good_name,
               headings=headings, forged=forged, blocked=blocked, ada=ada)
    ada.call("POST", action="unblock", user=IP_TARGET, token=ada.token)


def _backfill(wikis, story, url: str, *args: str):
    return run_pwb(wikis, "backfill_reports", "-board:bfboard", "-archives",
                   f"-deployment:{story['deployment']}", *args, env={"NBH_STATE_URL": url})


def test_backfill_attributes_every_report_and_reads_its_outcome(seeded_wikis, story, tmp_path):
    from bot.store import Store

    url = f"sqlite:///{tmp_path}/bf.sqlite"
    result = _backfill(seeded_wikis, story, url)
    assert result.returncode == 0, result.stderr
    assert "2 page(s) read" in result.stdout and "5 report(s), 5 new, 5 attributed" in result.stdout
    assert "[####" in result.stderr  # the progress bar
    requests = int(re.search(r"(\d+) request\(s\)", result.stdout).group(1))
    assert requests <= 8, result.stdout  # listing, message, texts, history, block log
    history = {h.heading: h for h in Store(url).history()}
    for heading in story["headings"]:
        entry = history[heading]
        assert (entry.reporter, entry.outcome, entry.closer, entry.closer_trusted) == (
            story["reporter"], "unfounded", "Admin Ada", True), entry
        assert entry.source.endswith(ARCHIVE.split(":", 1)[1]) and entry.targets == ("Careful Reporter",)
    # A signature in someone else's name: the report is whoever saved it.
    forged = history[story["forged"]]
    assert forged.reporter == story["reporter"] and forged.source == BOARD
    assert forged.outcome is None
    # "Closing this thread." says nothing; the block log says the reported IP was blocked.
    blocked = history[story["blocked"]]
    assert (blocked.reporter, blocked.outcome, blocked.closer_trusted) == (
        story["good"], "actioned", True)
    assert blocked.evidence.startswith("block-log:") and blocked.evidence.endswith(":target")

    again = _backfill(seeded_wikis, story, url)
    assert "0 page(s) read, 2 skipped" in again.stdout and "0 new" in again.stdout


def test_an_interrupted_backfill_resumes_to_the_same_history(seeded_wikis, story, tmp_path):
    import pywikibot

    from bot.backfill import backfill_board
    from bot.cycle import trusted_lookup
    from bot.store import Store
    from bot.watcher import BoardFetcher

    config = load_config(story["deployment"])
    board = config.board("bfboard")
    site = pywikibot.Site("localpub", "localpub")
    trusted = trusted_lookup(config, {"localpub": site})
    clean = Store(f"sqlite:///{tmp_path}/clean.sqlite")
    backfill_board(BoardFetcher(site), board, clean, trusted=trusted, archives=True)

    def stop_after_first(done, total, title, report):
        if done == 1:
            raise KeyboardInterrupt

    resumed = Store(f"sqlite:///{tmp_path}/resumed.sqlite")
    with pytest.raises(KeyboardInterrupt):
        backfill_board(BoardFetcher(site), board, resumed, trusted=trusted, archives=True,
                       progress=stop_after_first, batch=1)
    assert len(resumed.history()) in (1, 4)  # one page stored, the other not
    second = backfill_board(BoardFetcher(site), board, resumed, trusted=trusted, archives=True)
    assert (second.read, second.skipped) == (1, 1)
    assert resumed.history() == clean.history()


def test_backfilled_history_flags_the_repeat_reporter_privately(seeded_wikis, story, tmp_path):
    from bot.store import Store

    url = f"sqlite:///{tmp_path}/flags.sqlite"
    assert _backfill(seeded_wikis, story, url).returncode == 0
    admin_pub = Seeder(seeded_wikis).session("public", "Admin", anonymous=False)
    before = admin_pub.call("GET", action="query", list="usercontribs", ucuser="Watcher",
                            uclimit=1)["query"]["usercontribs"]
    result = run_pwb(seeded_wikis, "watch_noticeboards", f"-deployment:{story['deployment']}",
                     env={"NBH_STATE_URL": url})
    assert result.returncode == 0, result.stderr
    priv = Seeder(seeded_wikis).session("private", "Admin", anonymous=False)
    flags = _text(priv, f"Functionaries:Backfill flags {TAG}")
    assert story["reporter"] in flags and "unfounded" in flags
    assert story["good"] not in flags
    assert not Store(url).stale("private")
    # Nothing on the public wiki: the bot's latest public edit is the one before the run.
    after = admin_pub.call("GET", action="query", list="usercontribs", ucuser="Watcher",
                           uclimit=1)["query"]["usercontribs"]
    assert after == before


def test_a_functionary_corrects_an_outcome_by_script_and_on_the_private_wiki(seeded_wikis, story,
                                                                             tmp_path):
    from bot.history import report_id
    from bot.store import Store

    url = f"sqlite:///{tmp_path}/outcome.sqlite"
    assert _backfill(seeded_wikis, story, url).returncode == 0
    env = {"NBH_STATE_URL": url}
    listing = run_pwb(seeded_wikis, "report_outcome", "-list",
                      f"-deployment:{story['deployment']}", env=env)
    forged = next(h for h in Store(url).history() if h.heading == story["forged"])
    rid = report_id(forged.key)
    assert rid in listing.stdout
    done = run_pwb(seeded_wikis, "report_outcome", f"-report:{rid}", "-outcome:unfounded",
                   f"-deployment:{story['deployment']}", env=env)
    assert done.returncode == 0 and "outcome unfounded" in done.stdout
    assert Store(url).outcomes_set()[rid] == ("unfounded", "script")
    bad = run_pwb(seeded_wikis, "report_outcome", f"-report:{rid}", "-outcome:guilty",
                  f"-deployment:{story['deployment']}", env=env)
    assert bad.returncode == 1 and "expected one of" in bad.stderr
    # The same through the private wiki's outcomes page, read when the pages are redrawn.
    raw = yaml.safe_load(story["deployment"].read_text(encoding="utf-8"))
    raw["private"]["outcomes_page"] = f"Functionaries:Backfill outcomes {TAG}"
    deployment = tmp_path / "with-outcomes.yaml"
    deployment.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    blocked = next(h for h in Store(url).history() if h.heading == story["blocked"])
    priv = Seeder(seeded_wikis).session("private", "Admin", anonymous=False)
    priv.call("POST", action="edit", title=raw["private"]["outcomes_page"], token=priv.token,
              text=f"{{{{Noticeboard helper outcome|report={report_id(blocked.key)}|outcome=withdrawn}}}}",
              summary="correct an outcome")
    result = run_pwb(seeded_wikis, "watch_noticeboards", f"-deployment:{deployment}", env=env)
    assert result.returncode == 0, result.stderr
    assert Store(url).outcomes_set()[report_id(blocked.key)] == ("withdrawn", "wiki")
