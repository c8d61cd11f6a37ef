"""A real local MediaWiki pair for the demo and the tests.

Two wikis from Debian's ``mediawiki`` package with SQLite, each in its own directory
under one state directory, each served by its own ``php -S`` process on a loopback
port:

* ``public``  – the wiki with the noticeboards (family ``localpub``);
* ``private`` – the functionaries' wiki, anonymous read denied (family ``localpriv``);
* ``public2`` – a second public wiki with the same accounts (family ``localpub2``),
  only for cross-wiki tests: :meth:`LocalWikis.start_second` starts it.

The harness also writes a Pywikibot base directory (``PYWIKIBOT_DIR``) with a
generated ``user-config.py`` and ``user-password.py`` for these wikis, so it never
touches the user's own Pywikibot configuration.

Command line::

    python -m bot.localwiki start    # install if needed, start servers (idempotent)
    python -m bot.localwiki seed     # save the sample boards as real edits (idempotent)
    python -m bot.localwiki status   # what runs where
    python -m bot.localwiki env      # shell lines: export PYWIKIBOT_DIR=...
    python -m bot.localwiki stop [--remove]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.errors import SetupError

MEDIAWIKI_DIR = Path(os.environ.get("NBH_MEDIAWIKI_DIR", "/usr/share/mediawiki"))
REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_STATE_DIR = REPO_DIR / ".state" / "localwiki"
DEBIAN_PACKAGES = "mediawiki php-sqlite3 php-cli php-intl php-mbstring php-xml"
BOT_ACCOUNT = "Watcher"
BOT_PASSWORD_APPID = "nbh"
USER_AGENT = "noticeboard-helper-localwiki/0.1 (test harness; loopback only)"


@dataclass(frozen=True)
class WikiSpec:
    """One of the two local wikis."""

    key: str          # "public" or "private"
    family: str       # Pywikibot family and site code
    dbname: str
    sitename: str
    meta_namespace: str
    private: bool
    # A second public wiki, for cross-wiki tests only: installed and started on
    # demand (start_second), with the public wiki's accounts, as global accounts are.
    optional: bool = False
    accounts_of: str | None = None


WIKIS = (
    WikiSpec("public", "localpub", "localpubwiki", "Local Wikipedia", "Wikipedia", False),
    WikiSpec("private", "localpriv", "localprivwiki", "Functionaries wiki", "Functionaries",
             True),
    WikiSpec("public2", "localpub2", "localpub2wiki", "Local Wikipedia Two", "Wikipedia",
             False, optional=True, accounts_of="public"),
)

# Settings appended to every generated LocalSettings.php.  Rate limits are lifted
# because the tests save many edits a second from the same few accounts.
_COMMON_SETTINGS = """
# --- added by bot.localwiki ---
require __DIR__ . '/Server.php';
$wgMetaNamespace = '{meta_namespace}';
$wgCacheDirectory = __DIR__ . '/../cache';
$wgMainCacheType = CACHE_NONE;
$wgShowExceptionDetails = true;
$wgRateLimits = [];
$wgGroupPermissions['*']['noratelimit'] = true;
$wgEnableEmail = true;
$wgEnableUserEmail = true;
$wgEmailAuthentication = false;
$wgPasswordSender = 'wiki@localhost';
$wgGroupPermissions['sysop']['deleterevision'] = true;
$wgGroupPermissions['sysop']['suppressrevision'] = true;
$wgGroupPermissions['sysop']['viewsuppressed'] = true;
$wgGroupPermissions['sysop']['suppressionlog'] = true;
$wgRCMaxAge = 10 * 365 * 86400;
$wgUseInstantCommons = false;
$wgJobRunRate = 0.1;
# Sample edits "by" documentation-range IPs arrive from loopback with X-Forwarded-For.
$wgCdnServers = ['127.0.0.1'];
$wgUsePrivateIPs = true;
if ( is_readable( __DIR__ . '/Extra.php' ) ) {{ require __DIR__ . '/Extra.php'; }}
"""

_PRIVATE_SETTINGS = """
$wgGroupPermissions['*']['read'] = false;
$wgGroupPermissions['*']['edit'] = false;
$wgGroupPermissions['*']['createaccount'] = false;
$wgWhitelistRead = ['Special:UserLogin'];
"""


@dataclass(frozen=True)
class Account:
    """A local account: ``role`` is bot, admin or user."""

    name: str
    role: str
    wikis: tuple[str, ...] = ("public", "private")


# The bot and one admin always exist; the sample data adds its own accounts.
BASE_ACCOUNTS = (
    Account(BOT_ACCOUNT, "bot"),
    Account("Admin", "admin"),
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _runs(pid: int, marker: str) -> bool:
    """Whether process *pid* is the one we started (its command line has *marker*).

    A pid file outlives its process (a reboot, a kill -9); the number may since belong to
    someone else's process, which must be neither trusted nor signalled.  Without /proc
    (not Linux) the pid is trusted as before."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return False
    return marker.encode() in command.replace(b"\0", b" ")


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _bot_secret() -> str:
    # MediaWiki bot-password secrets are exactly 32 characters of [0-9a-w].
    alphabet = string.digits + "abcdefghijklmnopqrstuvw"
    return "".join(secrets.choice(alphabet) for _ in range(32))


def check_packages() -> None:
    """Raise :class:`SetupError` naming the Debian packages to install if any are missing."""
    if shutil.which("php") is None or not (MEDIAWIKI_DIR / "maintenance/install.php").exists():
        raise SetupError(
            f"MediaWiki or PHP is not installed; install them with: "
            f"apt-get install -y {DEBIAN_PACKAGES}")
    probe = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False)
    missing = [m for m in ("pdo_sqlite", "intl", "mbstring", "xml") if m not in probe.stdout]
    if missing:
        raise SetupError(
            f"PHP lacks the modules {', '.join(missing)}; install them with: "
            f"apt-get install -y {DEBIAN_PACKAGES}")


class LocalWikis:
    """The pair of local wikis living under one state directory."""

    def __init__(self, state_dir: str | Path | None = None) -> None:
        self.state_dir = Path(state_dir or os.environ.get("NBH_STATE_DIR", "")
                              or DEFAULT_STATE_DIR).resolve()
        self.pywikibot_dir = self.state_dir / "pywikibot"
        self._secrets_file = self.state_dir / "secrets.json"

    # -- paths and persisted facts ------------------------------------------------
    def wiki_dir(self, wiki: WikiSpec | str) -> Path:
        key = wiki if isinstance(wiki, str) else wiki.key
        return self.state_dir / key

    def spec(self, key: str) -> WikiSpec:
        return next(w for w in WIKIS if w.key == key)

    def _settings_file(self, wiki: WikiSpec) -> Path:
        return self.wiki_dir(wiki) / "conf" / "LocalSettings.php"

    @property
    def secrets(self) -> dict:
        """Passwords of this state directory (generated once, mode 600)."""
        if not self._secrets_file.exists():
            self.state_dir.mkdir(parents=True, exist_ok=True)
            data = {
                "admin_password": "Adm-" + secrets.token_urlsafe(18),
                "user_password": "Usr-" + secrets.token_urlsafe(18),
                "bot_password": _bot_secret(),
                "ports": {**{w.key: _free_port() for w in WIKIS if not w.optional},
                          "smtp": _free_port()},
            }
            self._secrets_file.write_text(json.dumps(data, indent=1))
            self._secrets_file.chmod(0o600)
        return json.loads(self._secrets_file.read_text())

    def _save_secrets(self, data: dict) -> None:
        self._secrets_file.write_text(json.dumps(data, indent=1))

    def port(self, key: str) -> int:
        data = self.secrets
        if key not in data["ports"]:  # an optional wiki started for the first time
            data["ports"][key] = _free_port()
            self._save_secrets(data)
        return int(data["ports"][key])

    def url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port(key)}"

    def api_url(self, key: str) -> str:
        return self.url(key) + "/api.php"

    def password(self, account: str) -> str:
        """The password of a local account (admins and users share one per role)."""
        data = self.secrets
        return data["admin_password"] if account == "Admin" else data["user_password"]

    # -- install ------------------------------------------------------------------
    def installed(self, wiki: WikiSpec) -> bool:
        return self._settings_file(wiki).exists()

    def install(self, wiki: WikiSpec, accounts: tuple[Account, ...]) -> None:
        """Install one wiki (once) and create its accounts."""
        if self.installed(wiki):
            return
        check_packages()
        root = self.wiki_dir(wiki)
        if root.exists():
            shutil.rmtree(root)  # a half-done install from an interrupted run
        (root / "conf").mkdir(parents=True)
        (root / "db").mkdir()
        (root / "cache").mkdir()
        env = {k: v for k, v in os.environ.items() if k != "MW_CONFIG_FILE"}
        # MW_CONFIG_FILE must not be set during install.php, or a second install
        # silently does nothing (localwiki.md).
        result = subprocess.run(
            ["php", "maintenance/install.php", "--dbtype", "sqlite",
             "--dbpath", str(root / "db"), "--dbname", wiki.dbname,
             "--server", self.url(wiki.key), "--scriptpath", "", "--lang", "en",
             "--pass", self.secrets["admin_password"], "--confpath", str(root / "conf"),
             wiki.sitename, "Admin"],
            cwd=MEDIAWIKI_DIR, env=env, capture_output=True, text=True, check=False)
        settings = self._settings_file(wiki)
        if result.returncode != 0 or not settings.exists():
            raise SetupError(f"MediaWiki install of the {wiki.key} wiki failed: "
                             f"{(result.stdout + result.stderr).strip()[-400:]}")
        extra = _COMMON_SETTINGS.format(meta_namespace=wiki.meta_namespace)
        if wiki.private:
            extra += _PRIVATE_SETTINGS
        with settings.open("a") as fh:
            fh.write(extra)
        self._write_server_file(wiki)
        self._create_accounts(wiki, accounts)

    def _write_server_file(self, wiki: WikiSpec) -> None:
        # Ports can change between runs, so they live in a file of their own.
        server = self.wiki_dir(wiki) / "conf" / "Server.php"
        server.write_text(
            f"<?php\n$wgServer = '{self.url(wiki.key)}';\n"
            f"$wgSMTP = ['host' => '127.0.0.1', 'IDHost' => 'localhost', "
            f"'port' => {self.port('smtp')}, 'auth' => false];\n")

    def _maintenance(self, wiki: WikiSpec, *args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, MW_CONFIG_FILE=str(self._settings_file(wiki)))
        return subprocess.run(["php", *args], cwd=MEDIAWIKI_DIR, env=env,
                              capture_output=True, text=True, check=False)

    def _create_accounts(self, wiki: WikiSpec, accounts: tuple[Account, ...]) -> None:
        def create(account: Account) -> None:
            flags = {"bot": ["--bot"], "admin": ["--sysop"], "user": []}[account.role]
            done = self._maintenance(wiki, "maintenance/createAndPromote.php", *flags,
                                     account.name, self.password(account.name))
            if account.name == "Admin":  # made by install.php; "already exists" is fine
                done = subprocess.CompletedProcess(done.args, 0, "", "")
            if done.returncode != 0 and "already exists" not in done.stdout + done.stderr:
                raise SetupError(f"could not create account {account.name!r} on the "
                                 f"{wiki.key} wiki: {(done.stdout + done.stderr).strip()}")
            if account.role in ("bot", "admin"):
                # EmailUser needs an address on both ends; mail goes to the catcher.
                self._maintenance(wiki, "maintenance/resetUserEmail.php",
                                  "--no-reset-password", account.name,
                                  mail_address(account.name))

        wanted = [a for a in accounts if (wiki.accounts_of or wiki.key) in a.wikis]
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(create, wanted))
        done = self._maintenance(
            wiki, "maintenance/createBotPassword.php", "--grants",
            "basic,highvolume,editpage,createeditmovepage,editprotected,sendemail,"
            "delete,protect,blockusers",
            "--appid", BOT_PASSWORD_APPID, BOT_ACCOUNT, self.secrets["bot_password"])
        if done.returncode != 0 and "already exists" not in done.stdout + done.stderr:
            raise SetupError(f"could not create the bot password on the {wiki.key} wiki: "
                             f"{(done.stdout + done.stderr).strip()}")

    # -- servers ------------------------------------------------------------------
    def _pid_file(self, wiki: WikiSpec) -> Path:
        return self.wiki_dir(wiki) / "server.pid"

    def _pid(self, wiki: WikiSpec) -> int | None:
        try:
            pid = int(self._pid_file(wiki).read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid if _runs(pid, f"127.0.0.1:{self.port(wiki.key)}") else None

    def api_answers(self, key: str, timeout: float = 2.0) -> bool:
        try:
            reply = requests.get(self.api_url(key), params={
                "action": "query", "meta": "siteinfo", "format": "json"},
                timeout=timeout, headers={"User-Agent": USER_AGENT})
            return reply.status_code == 200 and reply.headers.get(
                "MediaWiki-API-Error") in (None, "readapidenied")
        except requests.RequestException:
            return False

    def serve(self, wiki: WikiSpec) -> None:
        """Start this wiki's PHP server unless it already runs."""
        if self._pid(wiki) and self.api_answers(wiki.key):
            return
        self._stop_server(wiki)
        data = self.secrets
        if _port_open(self.port(wiki.key)):
            # Something else took our port since the last run: move to a free one.
            data["ports"][wiki.key] = _free_port()
            self._save_secrets(data)
            self._write_server_file(wiki)
        log = (self.wiki_dir(wiki) / "server.log").open("ab")
        env = dict(os.environ, MW_CONFIG_FILE=str(self._settings_file(wiki)),
                   PHP_CLI_SERVER_WORKERS="4")
        proc = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port(wiki.key)}", "-t", str(MEDIAWIKI_DIR)],
            cwd=MEDIAWIKI_DIR, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self._pid_file(wiki).write_text(str(proc.pid))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SetupError(f"the {wiki.key} wiki's PHP server exited; see "
                                 f"{self.wiki_dir(wiki) / 'server.log'}")
            if self.api_answers(wiki.key, timeout=5):
                return
            time.sleep(0.2)
        raise SetupError(f"the {wiki.key} wiki did not answer within 60 s on "
                         f"{self.api_url(wiki.key)}")

    def _stop_server(self, wiki: WikiSpec) -> None:
        pid = self._pid(wiki)
        if pid:
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            for _ in range(50):
                if self._pid(wiki) is None:
                    break
                time.sleep(0.05)
        self._pid_file(wiki).unlink(missing_ok=True)

    # -- mail ---------------------------------------------------------------------
    @property
    def mail_dir(self) -> Path:
        return self.state_dir / "mail"

    def serve_mail(self) -> None:
        """Start the SMTP catcher the wikis send their mail to, unless it runs."""
        pid_file = self.state_dir / "mail.pid"
        try:
            pid = int(pid_file.read_text())
            os.kill(pid, 0)
            if _runs(pid, "bot.mailcatcher") and _port_open(self.port("smtp")):
                return
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            pass
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        log = (self.state_dir / "mail.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.mailcatcher", "--port", str(self.port("smtp")),
             "--dir", str(self.mail_dir)], cwd=REPO_DIR, stdout=log, stderr=log,
            stdin=subprocess.DEVNULL, start_new_session=True)
        pid_file.write_text(str(proc.pid))
        deadline = time.monotonic() + 20
        while not _port_open(self.port("smtp")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SetupError(f"the mail catcher did not start; see "
                                 f"{self.state_dir / 'mail.log'}")
            time.sleep(0.1)

    def _stop_mail(self) -> None:
        pid_file = self.state_dir / "mail.pid"
        try:
            pid = int(pid_file.read_text())
            if _runs(pid, "bot.mailcatcher"):
                os.killpg(pid, signal.SIGTERM)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            pass
        pid_file.unlink(missing_ok=True)

    # -- the whole pair -----------------------------------------------------------
    def start(self, accounts: tuple[Account, ...] | None = None) -> None:
        """Install (first time), start both wikis and write the Pywikibot directory."""
        accounts = accounts if accounts is not None else all_accounts()
        for wiki in WIKIS:
            if not wiki.optional:
                self.install(wiki, accounts)
        self.serve_mail()
        for wiki in WIKIS:
            if not wiki.optional or self.installed(wiki):
                self.serve(wiki)
        self.write_pywikibot_dir()

    def start_second(self) -> WikiSpec:
        """Install (first time) and start the second public wiki as well."""
        wiki = self.spec("public2")
        self.install(wiki, all_accounts())
        self.serve(wiki)
        self.write_pywikibot_dir()
        return wiki

    def stop(self, remove: bool = False) -> None:
        """Stop both servers; with ``remove`` delete the whole state directory."""
        for wiki in WIKIS:
            if self.wiki_dir(wiki).exists():
                self._stop_server(wiki)
        self._stop_mail()
        if remove and self.state_dir.exists():
            shutil.rmtree(self.state_dir)

    def status(self) -> list[str]:
        """One line per wiki: installed, running, URL."""
        lines = []
        for wiki in WIKIS:
            if wiki.optional and not self.installed(wiki):
                continue
            if not self.installed(wiki):
                lines.append(f"{wiki.key}: not installed")
                continue
            running = "running" if self._pid(wiki) and self.api_answers(wiki.key) else "stopped"
            lines.append(f"{wiki.key}: {running} at {self.url(wiki.key)}/index.php "
                         f"(family {wiki.family})")
        return lines

    # -- pywikibot ----------------------------------------------------------------
    def write_pywikibot_dir(self) -> Path:
        """Write user-config.py and user-password.py for the local wikis."""
        pwb = self.pywikibot_dir
        pwb.mkdir(parents=True, exist_ok=True)
        scripts_link = pwb / "scripts"
        if not scripts_link.is_symlink():
            # pwb resolves user_script_paths relative to its base directory and splits
            # them on dots, so a link is more robust than an absolute path.
            scripts_link.symlink_to(REPO_DIR / "scripts")
        families = "\n".join(
            f"family_files[{w.family!r}] = {self.api_url(w.key)!r}\n"
            f"usernames[{w.family!r}]['*'] = {BOT_ACCOUNT!r}" for w in WIKIS
            if not w.optional or self.installed(w))
        (pwb / "user-config.py").write_text(
            "# Generated by bot.localwiki for the local test wikis; not for real wikis.\n"
            f"{families}\n"
            "family = 'localpub'\nmylang = 'localpub'\n"
            "password_file = 'user-password.py'\n"
            "put_throttle = 0\nmax_retries = 2\nretry_wait = 1\n"
            "retry_max = 2\n"
            "user_script_paths = ['scripts']\n"
            "noisysleep = 600.0\n")
        password_file = pwb / "user-password.py"
        password_file.write_text(
            f"({BOT_ACCOUNT!r}, BotPassword({BOT_PASSWORD_APPID!r}, "
            f"{self.secrets['bot_password']!r}))\n")
        password_file.chmod(0o600)
        return pwb

    def environment(self) -> dict[str, str]:
        """Environment variables for running ``pwb`` against the local wikis."""
        return {"PYWIKIBOT_DIR": str(self.pywikibot_dir),
                "NBH_STATE_DIR": str(self.state_dir)}


def mail_address(account: str) -> str:
    """The e-mail address a local account has (it reaches the mail catcher)."""
    return account.replace(" ", ".").lower() + "@wiki.localhost"


def all_accounts() -> tuple[Account, ...]:
    """The base accounts plus those of the sample data."""
    from bot import seed  # the sample data is optional for the harness itself

    accounts = {a.name: a for a in BASE_ACCOUNTS}
    for acc in seed.load_seed().accounts:
        wikis = tuple(w.key for w in WIKIS if acc.exists_on(w.key))
        accounts.setdefault(acc.name, Account(acc.name, acc.role, wikis))
    return tuple(accounts.values())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.localwiki",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "seed", "status", "stop", "env"])
    parser.add_argument("--remove", action="store_true", help="with stop: delete all state")
    parser.add_argument("--phase", default="initial",
                        help="with seed: which phase of the sample edits to save")
    parser.add_argument("--state-dir", help="default: .state/localwiki in the checkout")
    args = parser.parse_args(argv)
    wikis = LocalWikis(args.state_dir)
    try:
        if args.command == "start":
            wikis.start()
            print("\n".join(wikis.status()))
        elif args.command == "seed":
            from bot.seeding import apply_seed

            wikis.start()
            saved = apply_seed(wikis, phase=args.phase)
            print(f"seed ({args.phase}): {saved} edit(s) saved")
        elif args.command == "status":
            print("\n".join(wikis.status()))
        elif args.command == "env":
            for key, value in wikis.environment().items():
                print(f"export {key}={value}")
        elif args.command == "stop":
            wikis.stop(remove=args.remove)
            print("stopped" + (" and removed" if args.remove else ""))
    except SetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
