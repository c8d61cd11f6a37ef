"""The deployment configuration: valid files load, bad ones name file and key."""

from __future__ import annotations

import pytest

from bot.config import DEMO_CONFIG, load_config
from bot.errors import ConfigError


def test_demo_config_loads_with_three_public_boards_and_a_private_wiki():
    config = load_config(DEMO_CONFIG)
    assert [b.name for b in config.boards] == ["incidents", "vandalism", "harassment"]
    assert config.private is not None and config.wikis[config.private.wiki].private
    assert config.board("incidents").preset == "enwiki"


@pytest.mark.parametrize("text, where", [
    ("wikis: {}", "at wikis:"),
    ("wikis:\n  a: {family: x}", "wikis/a"),
    ("wikis:\n  a: {family: x, code: y, boards: [{name: Bad Name, title: T}]}",
     "wikis/a/boards/0/name"),
    ("wikis:\n  a: {family: x, code: y}\nprivate: {wiki: a}", "private/wiki"),
    ("wikis:\n  a: {family: x, code: y}\nsurprise: 1", "(top level)"),
    ("wikis:\n  a: {family: x, code: y, resource_pages: [{title: T, region: EU}]}",
     "wikis/a/resource_pages/0/region: 'EU' is not an ISO 3166-1 country code"),
])
def test_invalid_config_names_file_and_key(tmp_path, text, where):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and where in str(err.value)


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("wikis:\n  a: [unclosed\n")
    with pytest.raises(ConfigError, match=r"c\.yaml: entry at line \d+, field \(YAML syntax\)"):
        load_config(path)


def test_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigError, match=f"{tmp_path}/nope.yaml: the configuration file is "
                                          f"missing"):
        load_config(tmp_path / "nope.yaml")


def test_relative_sqlite_state_follows_state_dir(tmp_path, monkeypatch):
    path = tmp_path / "c.yaml"
    path.write_text("state: sqlite:///s.sqlite\nwikis:\n  a: {family: x, code: y}\n")
    monkeypatch.setenv("NBH_STATE_DIR", str(tmp_path / "st"))
    assert load_config(path).state_url == f"sqlite:///{tmp_path}/st/s.sqlite"


def test_unknown_board_lists_known_ones():
    with pytest.raises(ConfigError, match="localpub:incidents"):
        load_config(DEMO_CONFIG).board("nope")


def test_toolsdb_state_uses_replica_cnf(tmp_path, monkeypatch):
    cnf = tmp_path / "replica.my.cnf"
    cnf.write_text("[client]\nuser = s54321\npassword = 'p@ss:w/rd'\n")
    monkeypatch.setenv("NBH_REPLICA_CNF", str(cnf))
    path = tmp_path / "c.yaml"
    path.write_text("state: toolsdb:noticeboard\nwikis:\n  a: {family: x, code: y}\n")
    url = load_config(path).state_url
    assert url == ("mysql+pymysql://s54321:p%40ss%3Aw%2Frd@tools.db.svc.wikimedia.cloud/"
                   "s54321__noticeboard?charset=utf8mb4")


def test_toolsdb_without_replica_cnf_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("NBH_REPLICA_CNF", str(tmp_path / "missing.cnf"))
    path = tmp_path / "c.yaml"
    path.write_text("state: toolsdb:noticeboard\nwikis:\n  a: {family: x, code: y}\n")
    with pytest.raises(ConfigError, match="replica.my.cnf|missing.cnf"):
        load_config(path)


def test_store_errors_never_show_the_password():
    from bot.store import Store
    with pytest.raises(ConfigError) as err:
        Store("nosuchdialect://user:secret-pw@host/db")
    assert "secret-pw" not in str(err.value)
