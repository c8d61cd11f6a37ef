"""``make demo``: the bot's main job against the local wikis, end to end.

1. start the local wikis (installing them the first time) and save the sample boards'
   initial history as real edits;
2. run the watcher once: it takes its starting position on each board;
3. save the later sample edits (new reports, replies, closures, an archiving);
4. read the incidents board's archive into the reporter history, then run the
   watcher again: it finds exactly the new edits, attributes them, refreshes the
   backlog page and the private pages;
5. print a summary and the local URLs.  The wikis stay up until ``make stop``.

Running it again saves no sample edit and finds nothing new, so the bot saves no edit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import load_config
from bot.errors import NoticeboardError
from bot.localwiki import REPO_DIR, LocalWikis
from bot.preflight import check_user_config
from bot.seeding import apply_seed


def pwb(wikis: LocalWikis, script: str, *args: str) -> subprocess.CompletedProcess:
    """Run a script as a user would: ``pwb <script> ...`` with the local set-up."""
    env = dict(os.environ, **wikis.environment())
    env.pop("NBH_CONFIG", None)
    return subprocess.run([str(Path(sys.executable).parent / "pwb"), script, *args],
                          cwd=REPO_DIR, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def step(title: str) -> None:
    print(f"\n== {title}")


def show(result: subprocess.CompletedProcess, *, quiet_stderr: bool = True,
         limit: int | None = None) -> None:
    """Print a script's output (its last *limit* lines); its stderr only when it failed."""
    lines = result.stdout.strip().splitlines()
    if limit is not None and len(lines) > limit:
        print(f"   ... {len(lines) - limit} more line(s) before these ...")
        lines = lines[-limit:]
    if lines:
        print("\n".join("   " + line for line in lines))
    if result.returncode != 0 or not quiet_stderr:
        print(result.stderr.strip(), file=sys.stderr)
    if result.returncode != 0:
        raise SystemExit(f"demo: the script failed with exit status {result.returncode}")


RESOURCE_PAGES = {
    ("public", "Project:Support resources"): (
        "This page lists places to get help. Volunteers keep the introduction; the list "
        "below is kept up to date by a bot from one checked source.\n\n"),
    ("private", "Functionaries:Hilfsangebote"): (
        "Hilfsangebote für Betroffene. Die Liste unten pflegt ein Bot.\n\n"),
}


def prepare_resource_pages(wikis: LocalWikis) -> None:
    """Create the resource pages as a person would: their own text and the markers."""
    from bot.resources import markers
    from bot.seeding import Seeder

    seeder = Seeder(wikis)
    for (wiki, title), intro in RESOURCE_PAGES.items():
        admin = seeder.session(wiki, "Admin", anonymous=False)
        start, end = markers("main")
        if not _exists(admin, title):
            admin.call("POST", action="edit", title=title, createonly=1, token=admin.token,
                       text=f"{intro}{start}\n{end}\n\nQuestions? Ask on the talk page.\n",
                       summary="Resource page with markers for the bot")


def _exists(session, title: str) -> bool:
    pages = session.call("GET", action="query", titles=title)["query"]["pages"]
    return not pages[0].get("missing")


def show_private_outputs(wikis: LocalWikis) -> None:
    """What functionaries see: the private pages and the mail the wiki sent."""
    from bot.localwiki import mail_address
    from bot.mailcatcher import read_mail
    from bot.seeding import Seeder

    config = load_config()
    admin = Seeder(wikis).session("private", "Admin", anonymous=False)
    for title in (config.private.urgent_page, config.private.triage_queue,
                  config.private.flags_page):
        pages = admin.call("GET", action="query", prop="revisions", rvprop="content",
                           rvslots="main", titles=title)["query"]["pages"]
        text = (pages[0].get("revisions") or [{}])[0].get("slots", {}).get("main", {}).get(
            "content", "(not written yet)")
        step(f"Private wiki: [[{title}]] (excerpt)")
        lines = [line for line in text.splitlines()
                 if line.startswith(("==", "* Suggested", "** ", "* Opened", "* Account"))]
        print("\n".join("   " + line for line in lines[:16]) or "   (empty)")
    step("Mail the private wiki sent (caught by the local SMTP catcher)")
    mails = read_mail(wikis.mail_dir)
    for mail in mails[-6:]:
        print(f"   to {', '.join(mail.recipients)}: {mail.subject}")
    if not mails:
        print("   (none)")
    print(f"   (recipients' addresses look like {mail_address('Admin')})")


def main() -> int:
    """Run the demo (see the module docstring)."""
    wikis = LocalWikis()
    try:
        step("Starting the local wikis")
        wikis.start()
        problems = check_user_config(wikis.pywikibot_dir)
        if problems:
            raise SystemExit("demo: " + problems[0])
        print("\n".join("   " + line for line in wikis.status()))
        saved = apply_seed(wikis, phase="initial")
        print(f"   sample boards: {saved} initial edit(s) saved"
              + (" (already there)" if not saved else ""))

        step("pwb board_status")
        show(pwb(wikis, "board_status"))

        prepare_resource_pages(wikis)
        step("pwb update_resources (support-resource pages from the canonical source)")
        show(pwb(wikis, "update_resources"))

        step("pwb watch_noticeboards -backfill:30 (first cycle: reads the boards' history)")
        first = pwb(wikis, "watch_noticeboards", "-once", "-backfill:30")
        show(first, limit=8)

        later = apply_seed(wikis, phase="later")
        step(f"Meanwhile, on the boards: {later} new edit(s) by reporters and admins"
             + (" (already there)" if not later else ""))

        step("pwb backfill_reports -board:incidents -archives (reporter history from the "
             "board and its archive)")
        show(pwb(wikis, "backfill_reports", "-board:incidents", "-archives"))

        step("pwb watch_noticeboards (second cycle: finds what changed)")
        show(pwb(wikis, "watch_noticeboards", "-once"))
        show_private_outputs(wikis)

        step("pwb draft_reply: a reply to the reporter of a report closed without action")
        show(pwb(wikis, "draft_reply", "-outcome:non-actionable", "-to:Quarrel Some",
                 "-case:Disruptive editing by Ledger Keeper"))
    except NoticeboardError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1

    config = load_config()
    step("Where to look")
    public = wikis.url("public")
    private = wikis.url("private")
    for wiki in config.wikis.values():
        if wiki.backlog_page:
            print(f"   backlog page:  {public}/index.php?title="
                  f"{wiki.backlog_page.replace(' ', '_')}")
    for board in config.boards:
        print(f"   board {board.name + ':':12s} {public}/index.php?title="
              f"{board.title.replace(' ', '_')}")
    print(f"   private wiki:  {private}/index.php (log in as Admin; password in "
          f"{wikis.state_dir / 'secrets.json'})")
    print("   The wikis keep running; `make stop` stops them.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
