"""Shared fixtures: the real local wikis, started once per test session."""

from __future__ import annotations

import os
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Pywikibot reads its configuration once, when first imported, so the test session's
# own PYWIKIBOT_DIR (for the local wikis, never the user's) is written before any
# test imports it.  The wikis themselves start only if a test asks for them.
_STATE_DIR = Path(tempfile.mkdtemp(prefix="nbh-test-wikis-"))
sys.path.insert(0, str(REPO))
from bot.localwiki import LocalWikis  # noqa: E402

_WIKIS = LocalWikis(_STATE_DIR)
_WIKIS.write_pywikibot_dir()
os.environ.update(_WIKIS.environment())


@pytest.fixture(scope="session")
def local_wikis():
    """A started pair of local wikis with their own state and Pywikibot directory.

    Under CI=true a wiki that cannot start fails the tests; elsewhere it skips them
    with the reason, so a laptop without MediaWiki can still run the unit tests.
    """
    from bot.errors import SetupError

    wikis = _WIKIS
    try:
        wikis.start()
    except SetupError as exc:
        if IN_CI:
            pytest.fail(f"local wikis could not start: {exc}")
        pytest.skip(f"local wikis could not start: {exc}")
    yield wikis
    wikis.stop(remove=True)


@pytest.fixture(scope="session")
def seeded_wikis(local_wikis):
    """The local wikis with the initial sample boards saved as real edits."""
    from bot.seeding import apply_seed

    apply_seed(local_wikis, phase="initial")
    return local_wikis


def run_pwb(wikis, script: str, *args: str, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``pwb <script> args`` against the local wikis, as a user would."""
    full_env = dict(os.environ, **wikis.environment(), **(env or {}))
    return subprocess.run([str(Path(sys.executable).parent / "pwb"), script, *args],
                          cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
