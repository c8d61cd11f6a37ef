"""The deployment configuration: one YAML file, validated against a schema on load.

Which file: the ``-deployment:PATH`` script option, else ``$NBH_CONFIG``, else the embedded
demo configuration for the local wikis (``bot/data/config/demo.yaml``).

The state store is ``state:`` in the file: a SQLAlchemy URL (a relative SQLite path is
relative to ``$NBH_STATE_DIR``, else to the file), or ``toolsdb:NAME`` for ToolsDB with
the credentials of the tool's ``replica.my.cnf``.  ``$NBH_STATE_URL`` overrides it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from bot.datafiles import read_schema, read_yaml
from bot.errors import ConfigError, DataError

DATA_DIR = Path(__file__).resolve().parent / "data" / "config"
DEMO_CONFIG = DATA_DIR / "demo.yaml"
SCHEMA = DATA_DIR / "config.schema.json"
REPO_STATE_DIR = Path(__file__).resolve().parent.parent / ".state" / "localwiki"


@dataclass(frozen=True)
class Board:
    """A noticeboard to watch."""

    wiki: str
    name: str
    title: str
    preset: str = "enwiki"
    layout: str = "threads"
    archives: str | None = None

    @property
    def archive_prefix(self) -> str:
        """Title prefix of the archive pages ("/Archiv" matches "/Archive 12" too)."""
        return self.archives or f"{self.title}/Archiv"


@dataclass(frozen=True)
class ResourcePage:
    """A support-resource list page: the bot edits only between its markers."""

    title: str
    lang: str = "en"
    region: str | None = None
    marker: str = "main"


@dataclass(frozen=True)
class Wiki:
    """A wiki the bot works on, as Pywikibot family and code."""

    name: str
    family: str
    code: str
    private: bool = False
    run_page: str | None = None
    backlog_page: str | None = None
    boards: tuple[Board, ...] = ()
    resource_pages: tuple[ResourcePage, ...] = ()


@dataclass(frozen=True)
class PrivateDestinations:
    """Where private outputs go (a read-restricted wiki, and mail recipients)."""

    wiki: str
    triage_queue: str | None = None
    urgent_page: str | None = None
    flags_page: str | None = None
    drafts_page: str | None = None
    outcomes_page: str | None = None
    emergency_recipients: tuple[str, ...] = ()
    flag_recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """A whole deployment."""

    path: Path
    state_url: str
    wikis: dict[str, Wiki]
    private: PrivateDestinations | None = None
    retention_days: int = 365
    trusted_groups: tuple[str, ...] = ("sysop",)
    resources_max_age_days: int = 365
    resources_report_page: str | None = None
    resources_source: str | None = None  # "wiki:Title" of a JSON page; None: the repository's file
    put_throttle: float | None = None
    maxlag: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def apply_to_pywikibot(self) -> None:
        """Use the configured throttle and maxlag for every request and save."""
        import pywikibot

        if self.put_throttle is not None:
            pywikibot.config.put_throttle = self.put_throttle
        if self.maxlag is not None:
            pywikibot.config.maxlag = self.maxlag

    @property
    def masked_state_url(self) -> str:
        """The state URL without its password, for printing."""
        from bot.store import masked_url

        return masked_url(self.state_url)

    @property
    def boards(self) -> tuple[Board, ...]:
        return tuple(b for w in self.wikis.values() for b in w.boards)

    def board(self, name: str) -> Board:
        """The board called *name* (``wiki:name`` when names repeat across wikis)."""
        found = [b for b in self.boards if name in (b.name, f"{b.wiki}:{b.name}")]
        if len(found) != 1:
            known = ", ".join(f"{b.wiki}:{b.name}" for b in self.boards)
            raise ConfigError(f"no single board called {name!r} in {self.path} "
                              f"(known: {known})")
        return found[0]


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(top level)"


def resolve_path(path: str | Path | None = None) -> Path:
    """The configuration file to use (see module docstring)."""
    chosen = path or os.environ.get("NBH_CONFIG") or DEMO_CONFIG
    return Path(chosen).expanduser().resolve()


TOOLSDB_HOST = "tools.db.svc.wikimedia.cloud"


def toolsdb_url(database: str, cnf_path: str | Path | None = None) -> str:
    """The SQLAlchemy URL of a ToolsDB database, with the tool's replica.my.cnf.

    ToolsDB database names start with the credential user and two underscores
    (``s12345__noticeboard``); a bare name gets that prefix.
    """
    import configparser
    from urllib.parse import quote

    cnf = Path(cnf_path or os.environ.get("NBH_REPLICA_CNF")
               or Path.home() / "replica.my.cnf")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(cnf.read_text(encoding="utf-8"))
        user = parser["client"]["user"].strip("'\"")
        password = parser["client"]["password"].strip("'\"")
    except FileNotFoundError:
        raise ConfigError(f"state 'toolsdb:{database}' needs {cnf} (Toolforge creates it "
                          f"in the tool's home directory)") from None
    except (KeyError, configparser.Error):
        raise ConfigError(f"{cnf} has no [client] user and password") from None
    if "__" not in database:
        database = f"{user}__{database}"
    host = os.environ.get("NBH_TOOLSDB_HOST", TOOLSDB_HOST)
    return (f"mysql+pymysql://{quote(user, safe='')}:{quote(password, safe='')}@{host}/"
            f"{database}?charset=utf8mb4")


def _state_url(raw: str | None, config_path: Path) -> str:
    url = os.environ.get("NBH_STATE_URL") or raw or "sqlite:///state.sqlite"
    if url.startswith("toolsdb:"):
        return toolsdb_url(url.removeprefix("toolsdb:"))
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url[len(prefix):].startswith("/"):
        # The demo's state sits with the local wikis it belongs to.
        default = (REPO_STATE_DIR if config_path == DEMO_CONFIG.resolve()
                   else config_path.parent)
        base = Path(os.environ.get("NBH_STATE_DIR") or default)
        url = prefix + str((base / url[len(prefix):]).resolve())
    return url


def load_config(path: str | Path | None = None) -> Config:
    """Load and validate the configuration; :class:`ConfigError` names file and key."""
    config_path = resolve_path(path)
    try:
        raw = read_yaml(config_path, "configuration file")
    except DataError as exc:  # it names the file alone; a maintainer wants the whole path
        problem = str(exc).removeprefix(f"{config_path.name}: ")
        raise ConfigError(f"{config_path}: {problem}") from None
    errors = sorted(jsonschema.Draft202012Validator(read_schema(str(SCHEMA))).iter_errors(raw),
                    key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        raise ConfigError(f"{config_path}: at {_where(err)}: {err.message}")
    wikis = {}
    for name, spec in raw["wikis"].items():
        boards = tuple(Board(wiki=name, **b) for b in spec.get("boards", ()))
        names = [b.name for b in boards]
        if len(set(names)) != len(names):
            raise ConfigError(f"{config_path}: at wikis/{name}/boards: board names repeat")
        for i, page in enumerate(spec.get("resource_pages", ())):
            if page.get("region") is not None:
                from bot.resources.catalogue import is_country_code  # phonenumbers: on need

                if not is_country_code(page["region"]):
                    raise ConfigError(f"{config_path}: at wikis/{name}/resource_pages/{i}/"
                                      f"region: {page['region']!r} is not an ISO 3166-1 "
                                      f"country code")
        wikis[name] = Wiki(name=name, family=spec["family"], code=spec["code"],
                           private=spec.get("private", False),
                           run_page=spec.get("run_page"),
                           backlog_page=spec.get("backlog_page"), boards=boards,
                           resource_pages=tuple(ResourcePage(**p)
                                                for p in spec.get("resource_pages", ())))
    private = None
    if "private" in raw:
        spec = raw["private"]
        if spec["wiki"] not in wikis:
            raise ConfigError(f"{config_path}: at private/wiki: {spec['wiki']!r} is not "
                              f"one of the configured wikis")
        if not wikis[spec["wiki"]].private:
            raise ConfigError(f"{config_path}: at private/wiki: {spec['wiki']!r} must be "
                              f"marked 'private: true' (a read-restricted wiki)")
        private = PrivateDestinations(
            **{k: tuple(v) if isinstance(v, list) else v for k, v in spec.items()})
    for wiki in wikis.values():
        if wiki.private and wiki.boards:
            raise ConfigError(f"{config_path}: at wikis/{wiki.name}: boards are watched on "
                              f"public wikis only")
    throttle = raw.get("throttle", {})
    return Config(path=config_path, state_url=_state_url(raw.get("state"), config_path),
                  wikis=wikis, private=private,
                  retention_days=raw.get("retention_days", 365),
                  trusted_groups=tuple(raw.get("trusted_groups", ("sysop",))),
                  resources_max_age_days=raw.get("resources", {}).get("max_age_days", 365),
                  resources_report_page=raw.get("resources", {}).get("report_page"),
                  resources_source=raw.get("resources", {}).get("source"),
                  put_throttle=throttle.get("put_throttle"), maxlag=throttle.get("maxlag"),
                  raw=raw)
