"""``make demo``: the bot's main job against the local wikis, end to end.

1. start the local wikis (installing them the first time) and save the sample boards'
   initial history as real edits;
2. run the watcher once: it takes its starting position on each board;
3. save the later sample edits (new reports, replies, closures, an archiving);
4. run the watcher again: it finds exactly those, attributes them, refreshes the
   backlog page;
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


def show(result: subprocess.CompletedProcess, *, quiet_stderr: bool = True) -> None:
    """Print a script's output; its stderr only when it failed."""
    out = result.stdout.strip()
    if out:
        print("\n".join("   " + line for line in out.splitlines()))
    if result.returncode != 0 or not quiet_stderr:
        print(result.stderr.strip(), file=sys.stderr)
    if result.returncode != 0:
        raise SystemExit(f"demo: the script failed with exit status {result.returncode}")


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

        step("pwb watch_noticeboards (first cycle: takes its place on each board)")
        show(pwb(wikis, "watch_noticeboards", "-once"))

        later = apply_seed(wikis, phase="later")
        step(f"Meanwhile, on the boards: {later} new edit(s) by reporters and admins"
             + (" (already there)" if not later else ""))

        step("pwb watch_noticeboards (second cycle: finds what changed)")
        show(pwb(wikis, "watch_noticeboards", "-once"))
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
