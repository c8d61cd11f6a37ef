"""Two watcher processes on the same state at once: every event stored exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.store import Store
from tests.harness import REPO

pytestmark = pytest.mark.live


def _start(wikis, env):
    full = {**os.environ, **wikis.environment(), **env}
    return subprocess.Popen([str(Path(sys.executable).parent / "pwb"), "watch_noticeboards",
                             "-backfill:30", "-json"], cwd=REPO, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("backend", ["sqlite", "mariadb"])
def test_two_concurrent_watchers_store_each_event_once(seeded_wikis, tmp_path, request, backend):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/shared.sqlite"
    else:
        server = request.getfixturevalue("mariadb_server")
        name = f"nbh_concurrent_{os.getpid()}"
        subprocess.run(["mariadb", "--no-defaults", f"--socket={server['socket']}", "-uroot",
                        "-e", f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"], check=True)
        url = (f"mysql+pymysql://{server['user']}:{server['password']}@{server['host']}:"
               f"{server['port']}/{name}?charset=utf8mb4")
    env = {"NBH_STATE_URL": url}
    first, second = _start(seeded_wikis, env), _start(seeded_wikis, env)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, [o[1][-500:] for o in outputs]
    events = Store(url).events()
    assert events, "the runs found the sample history"
    keys = Counter(e.key for e in events)
    assert max(keys.values()) == 1
    printed = [line for out, _ in outputs for line in out.splitlines() if line.startswith("{")]
    assert len(printed) == len(events)  # each event reported by exactly one of the two
    # A third run, after both, finds nothing new.
    third = _start(seeded_wikis, env)
    out, err = third.communicate(timeout=300)
    assert third.returncode == 0 and not [l for l in out.splitlines() if l.startswith("{")]
