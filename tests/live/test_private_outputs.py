"""A full cycle with private outputs against the real wikis: triage queue, urgent list,
emergency mail through the wiki's EmailUser to the SMTP catcher, reporter flags, and
nothing of it on any public page, revision or edit summary.
"""

from __future__ import annotations

import pytest
import requests

from bot.config import load_config
from bot.mailcatcher import read_mail
from bot.seed import load_expected
from bot.seeding import Seeder, apply_seed
from bot.threads import heading_text
from tests.harness import run_pwb, wiki_text

pytestmark = pytest.mark.live

URGENT_WORDS = ("threat-of-violence", "self-harm", "doxxing", "sexual-harassment")


@pytest.fixture(scope="module")
def full_run(seeded_wikis, tmp_path_factory):
    """Backfill cycle, the later phase, a second cycle, then a third that finds nothing."""
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path_factory.mktemp('private')}/state.sqlite"}
    mails_before = len(read_mail(seeded_wikis.mail_dir))
    first = run_pwb(seeded_wikis, "watch_noticeboards", "-backfill:30", env=env)
    assert first.returncode == 0, first.stderr
    apply_seed(seeded_wikis, phase="later")
    second = run_pwb(seeded_wikis, "watch_noticeboards", env=env)
    assert second.returncode == 0, second.stderr
    third = run_pwb(seeded_wikis, "watch_noticeboards", env=env)
    assert third.returncode == 0, third.stderr
    return {"env": env, "mails": read_mail(seeded_wikis.mail_dir)[mails_before:],
            "third": third}


def test_every_report_is_on_the_private_queue_with_suggestions(seeded_wikis, full_run):
    config = load_config()
    queue = wiki_text(seeded_wikis, "private", config.private.triage_queue)
    assert queue and "Suggested" in queue
    for thread in load_expected().threads:
        if thread.closed_by is None and thread.archived_in is None:
            # Open at the end: listed among the open reports, heading escaped.
            assert heading_text(thread.heading).split()[0] in queue, thread.heading


def test_emergencies_are_listed_and_mailed_once_without_quotes(seeded_wikis, full_run):
    config = load_config()
    urgent = wiki_text(seeded_wikis, "private", config.private.urgent_page)
    emergencies = [t for t in load_expected().threads if t.emergency]
    assert emergencies
    for thread in emergencies:
        assert heading_text(thread.heading) in urgent
    mails = [m for m in full_run["mails"] if "emergency path" in m.subject]
    assert len(mails) == len(emergencies) * len(config.private.emergency_recipients)
    for mail in mails:
        assert "http" in mail.body  # a link to the report
        for secret in load_expected().never_public():
            assert secret not in mail.body
    # The third cycle found nothing new and sent nothing more.
    assert "0 mail(s)" in full_run["third"].stderr + full_run["third"].stdout


def test_malicious_reporter_is_flagged_privately_and_good_faith_one_is_not(seeded_wikis, full_run):
    config = load_config()
    flags = wiki_text(seeded_wikis, "private", config.private.flags_page) or ""
    for reporter in load_expected().reporters:
        if reporter.flag_after:
            assert f"== {reporter.name} ==" in flags.replace("&#32;", " ") or \
                reporter.name.split()[0] in flags, reporter.name
        else:
            assert f"reporter={reporter.name}|" not in flags, reporter.name


def test_a_dismissed_flag_stays_dismissed(seeded_wikis, full_run):
    config = load_config()
    flags = wiki_text(seeded_wikis, "private", config.private.flags_page)
    assert "|status=open}}" in flags
    admin = Seeder(seeded_wikis).session("private", "Admin", anonymous=False)
    admin.call("POST", action="edit", title=config.private.flags_page, token=admin.token,
               text=flags.replace("status=open", "status=dismissed"), summary="dismiss")
    mails = len(read_mail(seeded_wikis.mail_dir))
    # No board changed, yet the next cycle sees the functionary's edit and redraws.
    quiet = run_pwb(seeded_wikis, "watch_noticeboards", env=full_run["env"])
    assert quiet.returncode == 0, quiet.stderr
    said = quiet.stderr + quiet.stdout
    assert "0 new event(s)" in said and "(+2 on the private wiki)" in said, said
    assert "|status=open}}" not in wiki_text(seeded_wikis, "private", config.private.flags_page)
    # A new event makes the bot redraw the private pages; the dismissed flag stays quiet.
    reporter = Seeder(seeded_wikis).session("public", "Quiet Gardener", anonymous=False)
    reporter.call("POST", action="edit", title="Project:Harassment noticeboard",
                  appendtext="\n:A small follow-up. [[User:Quiet Gardener|QG]] 09:00, 26 November 2026 (UTC)\n",
                  token=reporter.token, summary="reply")
    again = run_pwb(seeded_wikis, "watch_noticeboards", env=full_run["env"])
    assert again.returncode == 0, again.stderr
    after = wiki_text(seeded_wikis, "private", config.private.flags_page)
    assert "|status=open}}" not in after
    assert not [m for m in read_mail(seeded_wikis.mail_dir)[mails:] if "history" in m.subject]


def test_nothing_private_reaches_the_public_wiki(seeded_wikis, full_run):
    """Every page, revision, summary and log entry on the public wiki, read anonymously."""
    api = seeded_wikis.api_url("public")
    secrets = load_expected().never_public()
    texts: list[str] = []
    params = {"action": "query", "generator": "allpages", "gaplimit": "max", "prop": "revisions",
              "rvprop": "content|comment", "rvslots": "main", "format": "json", "formatversion": 2}
    for namespace in (0, 2, 4, 10):
        reply = requests.get(api, params={**params, "gapnamespace": namespace}, timeout=30).json()
        for page in reply.get("query", {}).get("pages", []):
            for rev in page.get("revisions", []):
                texts.append(rev.get("comment", ""))
                if page["title"].startswith(("User:Watcher", "Project:Support")):
                    texts.append(rev["slots"]["main"].get("content", ""))
    watcher_edits = requests.get(api, params={
        "action": "query", "list": "usercontribs", "ucuser": "Watcher", "uclimit": "max",
        "ucprop": "title|comment", "format": "json", "formatversion": 2}, timeout=30).json()
    summaries = [c["comment"] for c in watcher_edits["query"]["usercontribs"]]
    assert summaries, "the bot made public edits (the backlog page at least)"
    logs = requests.get(api, params={"action": "query", "list": "logevents", "lelimit": "max",
                                     "format": "json", "formatversion": 2}, timeout=30).json()
    texts += summaries + [e.get("comment", "") for e in logs["query"]["logevents"]]
    blob = "\n".join(texts)
    for secret in secrets:
        assert secret not in "\n".join(summaries)
    bot_pages = "\n".join(t for t in texts if "Maintained by" in t or "bot" in t.lower())
    for secret in secrets:
        assert secret not in bot_pages
    for word in URGENT_WORDS:
        assert word not in "\n".join(summaries)
    assert seeded_wikis.secrets["bot_password"] not in blob
