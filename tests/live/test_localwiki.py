"""The local wiki harness and the Pywikibot wiring, against the real wikis."""

from __future__ import annotations

import shutil
import time

import pytest
import requests

from tests.harness import run_pwb

pytestmark = pytest.mark.live


def test_public_wiki_answers_anonymous_reads(local_wikis):
    reply = requests.get(local_wikis.api_url("public"), params={
        "action": "query", "meta": "siteinfo", "format": "json"}, timeout=10).json()
    assert reply["query"]["general"]["sitename"] == "Local Wikipedia"


def test_private_wiki_refuses_anonymous_reads(local_wikis):
    reply = requests.get(local_wikis.api_url("private"), params={
        "action": "query", "list": "allpages", "format": "json"}, timeout=10).json()
    assert reply["error"]["code"] == "readapidenied"


def test_start_again_is_idempotent_and_fast(local_wikis):
    ports = {k: local_wikis.port(k) for k in ("public", "private")}
    started = time.monotonic()
    local_wikis.start()
    assert time.monotonic() - started < 10
    assert {k: local_wikis.port(k) for k in ports} == ports
    assert all("running" in line for line in local_wikis.status())


def test_bot_logs_in_with_its_bot_password_on_both_wikis(local_wikis):
    import pywikibot

    for family in ("localpub", "localpriv"):
        site = pywikibot.Site(family, family)
        site.login()
        assert site.user() == "Watcher"
        assert "bot" in site.userinfo["groups"]


def test_board_status_lists_every_board(seeded_wikis):
    result = run_pwb(seeded_wikis, "board_status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[1] for line in lines] == ["incidents", "vandalism", "harassment"]
    assert all("\tr" in line for line in lines), lines


def test_malformed_config_file_gives_one_clear_line(local_wikis, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("wikis:\n  localpub: {family: localpub}\n")
    result = run_pwb(local_wikis, "board_status", f"-deployment:{bad}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "at wikis/localpub" in result.stderr


def test_missing_bot_password_gives_one_clear_line(local_wikis, tmp_path):
    pwb_dir = tmp_path / "pwb"
    shutil.copytree(local_wikis.pywikibot_dir, pwb_dir, symlinks=True)
    (pwb_dir / "user-password.py").unlink()
    result = run_pwb(local_wikis, "watch_noticeboards", "-once",
                     env={"PYWIKIBOT_DIR": str(pwb_dir)})
    preflight = __import__("bot.preflight", fromlist=["x"]).check_user_config(pwb_dir)
    assert preflight and "does not exist" in preflight[0]
    assert "Traceback" not in result.stderr


def test_a_stale_pid_file_never_signals_someone_elses_process(tmp_path):
    # After a reboot or a kill -9 the pid in a pid file may belong to another process,
    # even a process-group leader: stopping the wikis must leave it alone.
    import subprocess

    from bot.localwiki import WIKIS, LocalWikis

    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        wikis = LocalWikis(tmp_path)
        wiki = WIKIS[0]
        wikis.wiki_dir(wiki).mkdir(parents=True)
        (wikis.wiki_dir(wiki) / "server.pid").write_text(str(other.pid))
        (tmp_path / "mail.pid").write_text(str(other.pid))
        assert wikis._pid(wiki) is None   # not our PHP server
        wikis._stop_server(wiki)
        wikis._stop_mail()
        time.sleep(0.2)
        assert other.poll() is None, "someone else's process was killed"
        assert not (tmp_path / "mail.pid").exists()
        assert not (wikis.wiki_dir(wiki) / "server.pid").exists()
    finally:
        other.kill()
        other.wait()
