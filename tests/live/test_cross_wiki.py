"""Reporter history across two public wikis (global accounts), against real wikis.

The second public wiki is started for this module only.  One reporter files two
unfounded reports on one wiki and one on the other: neither wiki alone has the three
a flag needs, together they do, and the flag appears once on the private wiki with
links to both.  A good-faith reporter with actioned reports on both is not flagged.
"""

from __future__ import annotations

import secrets

import pytest
import yaml

from bot.config import load_config
from bot.mailcatcher import read_mail
from bot.seeding import Seeder
from tests.harness import run_pwb, wiki_text

pytestmark = pytest.mark.live

TAG = secrets.token_hex(3)
BOARD = f"Project:Cross-wiki board {TAG}"
BAD, GOOD = "Tidewater", "Mira Talvik"


def _report(session, title: str, heading: str, text: str) -> None:
    session.call("POST", action="edit", title=title, section="new", sectiontitle=heading,
                 text=text + " ~~~~", token=session.token)


@pytest.fixture(scope="module")
def two_wikis(seeded_wikis, tmp_path_factory):
    seeded_wikis.start_second()
    seeder = Seeder(seeded_wikis)
    for wiki, count in (("public", 2), ("public2", 1)):
        ada = seeder.session(wiki, "Admin Ada", anonymous=False)
        ada.call("POST", action="edit", title=BOARD, text="Reports below.\n", token=ada.token)
        bad = seeder.session(wiki, BAD, anonymous=False)
        good = seeder.session(wiki, GOOD, anonymous=False)
        for n in range(count):
            _report(bad, BOARD, f"Careful Reporter hounds me ({wiki} {n})",
                    f"[[User:Careful Reporter]] is hounding me again on {wiki}, number {n}.")
        for n in range(2):
            _report(good, BOARD, f"Vandal account Spam Lantern 12 ({wiki} {n})",
                    "[[User:Spam Lantern 12]] is adding spam links: [[Special:Diff/7]].")
        board_text = ada.call("GET", action="query", prop="revisions", rvprop="content",
                              rvslots="main", titles=BOARD)["query"]["pages"][0]["revisions"][0][
            "slots"]["main"]["content"]
        # Close each thread with the result its reporter's story calls for.
        out, heading = [], None
        for line in board_text.split("\n"):
            if line.startswith("== "):
                if heading:
                    out.append("{{archive bottom}}")
                heading = line
                out.append(line)
                result = ("Unfounded: ordinary editing, no hounding." if "hounds" in line
                          else "Spam Lantern 12 blocked indefinitely for spamming.")
                out.append(f"{{{{archive top|result={result} ~~~~}}}}")
            else:
                out.append(line)
        out.append("{{archive bottom}}")
        ada.call("POST", action="edit", title=BOARD, text="\n".join(out) + "\n",
                 summary="closing the reports", token=ada.token)

    raw = yaml.safe_load(load_config().path.read_text(encoding="utf-8"))
    pub = raw["wikis"]["localpub"]
    pub["boards"] = [{"name": "cross-a", "title": BOARD}]
    for key in ("backlog_page", "resource_pages"):
        pub.pop(key, None)
    raw["wikis"]["localpriv"].pop("resource_pages", None)
    raw["wikis"]["localpub2"] = {"family": "localpub2", "code": "localpub2",
                                 "boards": [{"name": "cross-b", "title": BOARD}]}
    raw["private"] = {"wiki": "localpriv", "flags_page": f"Functionaries:Cross flags {TAG}",
                      "triage_queue": f"Functionaries:Cross queue {TAG}",
                      "flag_recipients": ["Admin"]}
    path = tmp_path_factory.mktemp("cross") / "deployment.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _flags(wikis) -> str:
    admin = Seeder(wikis).session("private", "Admin", anonymous=False)
    pages = admin.call("GET", action="query", prop="revisions", rvprop="content|ids",
                       rvslots="main", titles=f"Functionaries:Cross flags {TAG}")["query"]["pages"]
    rev = pages[0]["revisions"][0]
    return rev["slots"]["main"]["content"], rev["revid"]


def test_reports_on_two_wikis_add_up_to_one_private_flag(seeded_wikis, two_wikis, tmp_path):
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/cross.sqlite"}
    mails_before = len(read_mail(seeded_wikis.mail_dir))
    first = run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:1",
                    f"-deployment:{two_wikis}", env=env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert any(l.startswith("localpub ") for l in lines) and any(l.startswith("localpub2 ") for l in lines)
    assert sum("thread-closed" in line for line in first.stdout.splitlines()) == 7
    flags, revid = _flags(seeded_wikis)
    assert flags.count(f"== {BAD} ==") == 1 and GOOD not in flags
    ports = {seeded_wikis.port("public"), seeded_wikis.port("public2")}
    assert all(f"127.0.0.1:{port}/" in flags for port in ports), flags
    mails = [m for m in read_mail(seeded_wikis.mail_dir)[mails_before:]
             if "history" in m.subject]
    assert len(mails) == 1  # once, to the one flag recipient

    again = run_pwb(seeded_wikis, "watch_noticeboards", f"-deployment:{two_wikis}", env=env)
    assert again.returncode == 0, again.stderr
    assert _flags(seeded_wikis)[1] == revid
    assert len([m for m in read_mail(seeded_wikis.mail_dir)[mails_before:]
                if "history" in m.subject]) == 1


def test_one_wiki_alone_does_not_flag_the_reporter(seeded_wikis, two_wikis, tmp_path):
    raw = yaml.safe_load(two_wikis.read_text(encoding="utf-8"))
    del raw["wikis"]["localpub2"]
    raw["private"]["flags_page"] = f"Functionaries:Cross flags one wiki {TAG}"
    raw["private"]["flag_recipients"] = []
    path = tmp_path / "one-wiki.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/one.sqlite"}
    result = run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:1", f"-deployment:{path}",
                     env=env)
    assert result.returncode == 0, result.stderr
    text = wiki_text(seeded_wikis, "private", raw["private"]["flags_page"])
    assert text is not None and BAD not in text
