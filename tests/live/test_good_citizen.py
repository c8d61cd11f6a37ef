"""The bot on the wiki: the run page stops it, {{nobots}} keeps it off a page,
resource pages change only between the markers, scripts honour -simulate."""

from __future__ import annotations

import pytest

from bot.config import load_config
from bot.resources import markers
from bot.seeding import Seeder
from tests.harness import run_pwb

pytestmark = pytest.mark.live


def _admin(wikis, wiki="public"):
    return Seeder(wikis).session(wiki, "Admin", anonymous=False)


def _text(session, title):
    pages = session.call("GET", action="query", prop="revisions", rvprop="content|ids",
                         rvslots="main", titles=title)["query"]["pages"]
    revs = pages[0].get("revisions")
    return (revs[0]["slots"]["main"]["content"], revs[0]["revid"]) if revs else (None, None)


def test_resource_pages_between_markers_only(seeded_wikis, tmp_path):
    admin_pub, admin_priv = _admin(seeded_wikis), _admin(seeded_wikis, "private")
    start, end = markers("main")
    human_en = "Volunteers wrote this introduction.\n"
    admin_pub.call("POST", action="edit", title="Project:Support resources", token=admin_pub.token,
                   text=f"{human_en}{start}\n{end}\nAnd this footer.\n", summary="markers")
    admin_priv.call("POST", action="edit", title="Functionaries:Hilfsangebote", token=admin_priv.token,
                    text=f"Einleitung.\n{start}\n{end}\n", summary="markers")
    first = run_pwb(seeded_wikis, "update_resources")
    assert first.returncode == 0, first.stderr
    en, rev_en = _text(admin_pub, "Project:Support resources")
    de, _ = _text(admin_priv, "Functionaries:Hilfsangebote")
    assert en.startswith(human_en) and en.endswith("And this footer.\n".rstrip("\n")) or \
        en.rstrip().endswith("And this footer.")
    assert "988" in en and "TelefonSeelsorge" in de
    second = run_pwb(seeded_wikis, "update_resources")
    assert "unchanged" in second.stdout and _text(admin_pub, "Project:Support resources")[1] == rev_en
    # A page without markers is left alone with a clear message.
    admin_pub.call("POST", action="edit", title="Project:Support resources", token=admin_pub.token,
                   text="Someone removed the markers.\n", summary="oops")
    third = run_pwb(seeded_wikis, "update_resources", "-lang:en")
    assert third.returncode == 0
    assert "left alone" in third.stderr and "markers" in third.stderr
    assert _text(admin_pub, "Project:Support resources")[0] == "Someone removed the markers."
    # -lang alone: Pywikibot must not read it back from the command line as a site code.
    _, rev_de = _text(admin_priv, "Functionaries:Hilfsangebote")
    fourth = run_pwb(seeded_wikis, "update_resources", "-lang:de")
    assert fourth.returncode == 0, fourth.stderr
    assert "unchanged" in fourth.stdout and "left alone" not in fourth.stderr
    assert _text(admin_priv, "Functionaries:Hilfsangebote")[1] == rev_de


def test_run_page_stops_the_bot_before_its_next_edit(seeded_wikis, tmp_path):
    admin = _admin(seeded_wikis)
    config = load_config()
    run_page = config.wikis["localpub"].run_page
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/stop.sqlite"}
    try:
        admin.call("POST", action="edit", title=run_page, text="no", token=admin.token,
                   summary="stop the bot")
        backlog = config.wikis["localpub"].backlog_page
        admin.call("POST", action="edit", title=backlog, text="stale", token=admin.token,
                   summary="make the backlog stale")
        result = run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:30", env=env)
        assert result.returncode == 1
        assert "run page" in result.stderr and "Traceback" not in result.stderr
        assert _text(admin, backlog)[0] == "stale"
    finally:
        admin.call("POST", action="edit", title=run_page, text="yes", token=admin.token,
                   summary="start the bot")


def test_nobots_keeps_the_bot_off_a_page(seeded_wikis, tmp_path):
    import dataclasses

    admin = _admin(seeded_wikis)
    title = "Project:Opt-out page"
    before, revid = _text(admin, title)
    assert "{{nobots}}" in before or "{{bots|deny" in before.lower()
    config = load_config()
    wiki = dataclasses.replace(config.wikis["localpub"], backlog_page=title)
    deployment = tmp_path / "nobots.yaml"
    raw = dict(config.raw)
    raw["wikis"] = {**raw["wikis"], "localpub": {**raw["wikis"]["localpub"], "backlog_page": title}}
    raw["state"] = f"sqlite:///{tmp_path}/nobots.sqlite"
    import yaml
    deployment.write_text(yaml.safe_dump(raw))
    result = run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:30", f"-deployment:{deployment}")
    assert result.returncode == 0, result.stderr
    assert _text(admin, title)[1] == revid
    assert wiki.backlog_page == title


@pytest.mark.parametrize("script, args", [
    ("check_config", ()),
    ("board_status", ()),
    ("triage_report", ("-text:He said he will come to my house and hurt me. [[Special:Diff/5]]",)),
    ("triage_report", ("-text:He said he will come to my house and hurt me.", "-post")),
    ("draft_reply", ("-outcome:actionable", "-to:Example", "-lang:de")),
    ("draft_reply", ("-outcome:actionable", "-to:Example", "-post")),
    ("backfill_reports", ("-board:incidents", "-archives")),
    ("report_outcome", ("-list",)),
    ("purge_state", ()),
    ("update_resources", ()),
    ("watch_noticeboards", ("-backfill:30",)),
])
def test_every_script_runs_with_simulate(seeded_wikis, tmp_path, script, args):
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/simulate.sqlite"}
    admin = _admin(seeded_wikis)
    _, before = _text(admin, "User:Watcher/Noticeboard backlog")
    result = run_pwb(seeded_wikis, script, "-simulate", *args, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert _text(admin, "User:Watcher/Noticeboard backlog")[1] == before
    if script in ("backfill_reports", "triage_report"):
        from bot.store import Store

        store = Store(env["NBH_STATE_URL"])
        assert store.history() == [] and store.events() == []  # nothing stored either


def test_a_changed_entry_gives_one_edit_naming_it_and_a_wiki_json_source(seeded_wikis, tmp_path):
    import dataclasses
    import json

    import yaml

    from bot.datafiles import read_yaml
    from bot.publish import Publisher
    from bot.resource_pages import source_resources, update_pages
    from bot.resources.catalogue import DEFAULT_PATH
    from scripts.update_resources import ResourceBot

    admin = _admin(seeded_wikis)
    start, end = markers("main")
    admin.call("POST", action="edit", title="Project:Support resources", token=admin.token,
               text=f"Intro.\n{start}\n{end}\n", summary="markers")
    # The source as a JSON page on the wiki, with an injection attempt in one entry.
    data = read_yaml(DEFAULT_PATH)
    hostile = "Find A Helpline [[Category:Injected]] {{Delete}} ~~~~ <b>x</b> __NOINDEX__"
    for entry in data["resources"]:
        if entry["id"] == "find-a-helpline":
            entry["name"]["en"] = hostile
    admin.call("POST", action="edit", title="Project:Resource source.json", token=admin.token,
               text=json.dumps(data), contentmodel="json", summary="source")
    raw = dict(load_config().raw, resources={"source": "localpub:Project:Resource source.json"})
    deployment = tmp_path / "deployment.yaml"
    deployment.write_text(yaml.safe_dump(raw))
    config = load_config(deployment)
    publisher = Publisher(config, ResourceBot(always=True))
    resources = source_resources(config, publisher)
    first = update_pages(config, publisher, lang="en", resources=resources)
    assert first.edits == 1
    # The hostile name renders as text: no category, no template, no signature.
    page = admin.call("GET", action="parse", page="Project:Support resources",
                      prop="categories|templates|text")["parse"]
    assert page["categories"] == [] and page["templates"] == []
    shown = __import__("html").unescape(page["text"])
    assert "Find A Helpline [[Category:Injected]] {{Delete}} ~~~~ <b>x</b>" in shown
    assert "Admin" not in _text(admin, "Project:Support resources")[0]
    changed = tuple(dataclasses.replace(r, url="https://example.org/moved") if
                    r.id == "find-a-helpline" else r for r in resources)
    _, before = _text(admin, "Project:Support resources")
    second = update_pages(config, publisher, lang="en", resources=changed)
    assert second.edits == 1 and second.changed == [
        ("localpub:Project:Support resources", "updated find-a-helpline")]
    summary = admin.call("GET", action="query", prop="revisions", rvprop="comment",
                         titles="Project:Support resources")["query"]["pages"][0]["revisions"][0]
    assert "find-a-helpline" in summary["comment"]
    assert update_pages(config, publisher, lang="en", resources=changed).edits == 0


def test_purge_scrubs_reports_whose_revision_was_hidden(seeded_wikis, tmp_path):
    from bot.store import Store

    url = f"sqlite:///{tmp_path}/purge.sqlite"
    env = {"NBH_STATE_URL": url}
    assert run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:30", env=env).returncode == 0
    store = Store(url)
    opened = [e for e in store.events() if e.kind == "thread-opened" and e.categories]
    target = opened[0]
    admin = _admin(seeded_wikis)
    admin.call("POST", action="revisiondelete", type="revision", target=target.board,
               ids=str(target.revid), hide="content", reason="test", token=admin.token)
    try:
        result = run_pwb(seeded_wikis, "purge_state", env=env)
        assert result.returncode == 0, result.stderr
        assert "scrubbed 1 report(s)" in result.stdout
        after = {e.key: e for e in store.events()}
        assert after[target.key].categories == () and after[target.key].heading == ""
        assert all(e.categories for e in opened[1:] if e.key in after)
        again = run_pwb(seeded_wikis, "purge_state", env=env)
        assert "scrubbed 0 report(s)" in again.stdout
    finally:
        # The wikis are shared by the whole session: show the revision again.
        admin.call("POST", action="revisiondelete", type="revision", target=target.board,
                   ids=str(target.revid), show="content", reason="test", token=admin.token)
