"""Shared fixtures: the real local wikis, started once per test session."""

from __future__ import annotations

import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

sys.path.insert(0, str(REPO))
from tests.harness import IN_CI, WIKIS, run_pwb  # noqa: E402,F401  (writes PYWIKIBOT_DIR)


@pytest.fixture(scope="session")
def local_wikis():
    """A started pair of local wikis with their own state and Pywikibot directory.

    Under CI=true a wiki that cannot start fails the tests; elsewhere it skips them
    with the reason, so a laptop without MediaWiki can still run the unit tests.
    """
    from bot.errors import SetupError

    wikis = WIKIS
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


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory):
    """A real MariaDB server on a free loopback port, in its own data directory."""
    import shutil
    import socket
    import time

    if shutil.which("mariadbd") is None or shutil.which("mariadb-install-db") is None:
        message = "mariadb-server is not installed (apt-get install -y mariadb-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("mariadb")
    subprocess.run(["mariadb-install-db", f"--datadir={root}/data", "--user=root",
                    "--auth-root-authentication-method=normal", "--skip-test-db"],
                   check=True, capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        ["mariadbd", "--no-defaults", f"--datadir={root}/data", f"--socket={root}/sock",
         f"--port={port}", "--bind-address=127.0.0.1", "--user=root",
         "--skip-name-resolve", "--innodb-buffer-pool-size=64M", f"--pid-file={root}/pid"],
        stdout=open(root / "server.log", "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (root / "sock").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"MariaDB did not start: {(root / 'server.log').read_text()[-500:]}")
        time.sleep(0.1)
    time.sleep(0.3)
    sql = ("CREATE USER 'nbh'@'127.0.0.1' IDENTIFIED BY 'nbh-test-pw'; "
           "GRANT ALL ON `nbh\\_%`.* TO 'nbh'@'127.0.0.1';")
    subprocess.run(["mariadb", "--no-defaults", f"--socket={root}/sock", "-uroot", "-e", sql],
                   check=True, capture_output=True)
    yield {"host": "127.0.0.1", "port": port, "user": "nbh", "password": "nbh-test-pw",
           "socket": str(root / "sock")}
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(params=["sqlite", "mariadb"])
def store_url(request, tmp_path):
    """A fresh, empty state store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/state.sqlite"
    server = request.getfixturevalue("mariadb_server")
    name = f"nbh_{tmp_path.name[-40:]}".replace("-", "_")[:60]
    subprocess.run(["mariadb", "--no-defaults", f"--socket={server['socket']}", "-uroot",
                    "-e", f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"], check=True)
    return (f"mysql+pymysql://{server['user']}:{server['password']}@{server['host']}:"
            f"{server['port']}/{name}?charset=utf8mb4")


@pytest.fixture
def watchdog():
    """``with watchdog(seconds, what):`` fails the test when its block runs longer, so a
    regex that backtracks for minutes fails one test instead of stalling the suite.  A
    guard against hangs, not a speed assertion: the limits are far above a correct run."""
    @contextmanager
    def within(seconds: int, what: str):
        def stuck(*_):
            raise AssertionError(f"{what} did not finish within {seconds} s")

        previous = signal.signal(signal.SIGALRM, stuck)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)

    return within

