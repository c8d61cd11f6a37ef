"""``make demo``, the first of the README's two commands, in a state directory of its
own: it runs to the end against freshly installed local wikis, the drafted reply passes
the checker, and a second run finds the sample edits already there."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.localwiki import REPO_DIR

pytestmark = pytest.mark.live


def _demo(state) -> subprocess.CompletedProcess:
    env = dict(os.environ, NBH_STATE_DIR=str(state))
    for name in ("NBH_CONFIG", "NBH_STATE_URL", "PYWIKIBOT_DIR"):
        env.pop(name, None)   # the demo's own defaults, as a newcomer runs it
    return subprocess.run([sys.executable, "-m", "bot.demo"], cwd=REPO_DIR, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=900)


def test_the_demo_runs_to_the_end_and_a_second_run_saves_no_sample_edit(tmp_path):
    state = tmp_path / "state"
    try:
        first = _demo(state)
        assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
        assert "check: passes" in first.stdout
        assert "== Where to look" in first.stdout
        second = _demo(state)
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
        assert "0 initial edit(s) saved (already there)" in second.stdout
        assert "0 new edit(s) by reporters and admins (already there)" in second.stdout
    finally:
        subprocess.run([sys.executable, "-m", "bot.localwiki", "stop", "--state-dir",
                        str(state)], cwd=REPO_DIR, capture_output=True, timeout=120)
