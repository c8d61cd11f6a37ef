"""The test session's local wikis and helpers to run scripts against them.

Imported once, as ``tests.harness``, by conftest.py and by tests: importing
conftest.py from a test would load it a second time under another module name and
write a second Pywikibot directory with other ports.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Pywikibot reads its configuration once, when first imported, so the test session's
# own PYWIKIBOT_DIR (for the local wikis, never the user's) is written before any
# test imports it.  The wikis themselves start only if a test asks for them.
_STATE_DIR = Path(tempfile.mkdtemp(prefix="nbh-test-wikis-"))
from bot.localwiki import LocalWikis  # noqa: E402

WIKIS = LocalWikis(_STATE_DIR)
WIKIS.write_pywikibot_dir()
os.environ.update(WIKIS.environment())
atexit.register(shutil.rmtree, _STATE_DIR, True)


def run_pwb(wikis, script: str, *args: str, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``pwb <script> args`` against the local wikis, as a user would."""
    full_env = {**os.environ, **wikis.environment(), **(env or {})}
    return subprocess.run([str(Path(sys.executable).parent / "pwb"), script, *args],
                          cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def wiki_text(wikis, wiki: str, title: str, *, user: str = "Admin") -> str | None:
    """The current text of *title* on the local *wiki* ("public", "private"...), read
    as *user* (the private wiki refuses anonymous reads); None if it does not exist."""
    from bot.seeding import Seeder

    session = Seeder(wikis).session(wiki, user, anonymous=False)
    pages = session.call("GET", action="query", prop="revisions", rvprop="content",
                         rvslots="main", titles=title)["query"]["pages"]
    revisions = pages[0].get("revisions")
    return revisions[0]["slots"]["main"]["content"] if revisions else None
