"""``pwb triage_report`` against the real wikis: a thread on a page, and -post, which
adds the report to the private queue and urgent list and mails the emergency route
once, however often it is posted."""

from __future__ import annotations

import secrets

import pytest
import yaml

from bot.config import load_config
from bot.mailcatcher import read_mail
from bot.seeding import Seeder
from tests.harness import run_pwb, wiki_text

pytestmark = pytest.mark.live

TAG = secrets.token_hex(3)
PAGE = f"Project:Triage script page {TAG}"
HEADING = f"Threat after the deletion debate {TAG}"


@pytest.fixture(scope="module")
def deployment(seeded_wikis, tmp_path_factory):
    reporter = Seeder(seeded_wikis).session("public", "Careful Reporter", anonymous=False)
    reporter.call("POST", action="edit", title=PAGE, token=reporter.token,
                  text="== An older thread ==\nNothing to see. ~~~~\n")
    reporter.call("POST", action="edit", title=PAGE, section="new", sectiontitle=HEADING,
                  token=reporter.token,
                  text="[[User:Brisk Editor]] wrote to me: \"I know where you live and I will "
                       "come and hurt you.\" [[Special:Diff/12]] ~~~~")
    raw = yaml.safe_load(load_config().path.read_text(encoding="utf-8"))
    raw["private"].update(triage_queue=f"Functionaries:Script queue {TAG}",
                          urgent_page=f"Functionaries:Script urgent {TAG}",
                          flags_page=f"Functionaries:Script flags {TAG}")
    raw["private"].pop("outcomes_page", None)
    path = tmp_path_factory.mktemp("triage") / "deployment.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_thread_on_a_page_is_triaged_newest_first_by_default(seeded_wikis, deployment, tmp_path):
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/s.sqlite"}
    result = run_pwb(seeded_wikis, "triage_report", f"-page:{PAGE}", f"-deployment:{deployment}",
                     env=env)
    assert result.returncode == 0, result.stderr
    assert HEADING in result.stdout
    assert "threat-of-violence\t" in result.stdout and "\tsuggested\t" in result.stdout
    older = run_pwb(seeded_wikis, "triage_report", f"-page:{PAGE}", "-thread:An older thread",
                    f"-deployment:{deployment}", env=env)
    assert "No category suggested." in older.stdout or "threat-of-violence" not in older.stdout
    missing = run_pwb(seeded_wikis, "triage_report", f"-page:{PAGE}", "-thread:No such thread",
                      f"-deployment:{deployment}", env=env)
    assert missing.returncode == 1 and "no thread headed" in missing.stderr


def test_post_adds_to_the_private_queue_and_mails_the_emergency_route_once(
        seeded_wikis, deployment, tmp_path):
    env = {"NBH_STATE_URL": f"sqlite:///{tmp_path}/post.sqlite"}
    mails_before = len(read_mail(seeded_wikis.mail_dir))
    first = run_pwb(seeded_wikis, "triage_report", f"-page:{PAGE}", "-post",
                    f"-deployment:{deployment}", env=env)
    assert first.returncode == 0, first.stderr
    assert "added to the private triage queue" in first.stdout
    queue = wiki_text(seeded_wikis, "private", f"Functionaries:Script queue {TAG}")
    urgent = wiki_text(seeded_wikis, "private", f"Functionaries:Script urgent {TAG}")
    assert HEADING in queue and "threat-of-violence" in queue
    assert HEADING in urgent and "I know where you live" not in urgent
    again = run_pwb(seeded_wikis, "triage_report", f"-page:{PAGE}", "-post",
                    f"-deployment:{deployment}", env=env)
    assert "already on the private triage queue" in again.stdout
    mails = [m for m in read_mail(seeded_wikis.mail_dir)[mails_before:]
             if "emergency" in m.subject]
    assert len(mails) == 1
    # Nothing of it on the public page: the bot never edited it.
    admin = Seeder(seeded_wikis).session("public", "Admin", anonymous=False)
    users = {r["user"] for r in admin.call("GET", action="query", prop="revisions", titles=PAGE,
                                           rvprop="user", rvlimit="max")["query"]["pages"][0]["revisions"]}
    assert users == {"Careful Reporter"}


def test_lang_picks_the_rules_not_the_site(seeded_wikis):
    # Run by pwb, -lang:de reaches the script (Pywikibot would take it as a site code).
    text = "-text:Er schrieb mir: Ich bringe dich um, ich weiß, wo du wohnst. [[Spezial:Diff/5]]"
    german = run_pwb(seeded_wikis, "triage_report", text, "-lang:de")
    assert german.returncode == 0, german.stderr
    # German rules: the German threat wording is evidence, and Spezial:Diff is a diff.
    assert "Drohung" in german.stdout and "needs-evidence" not in german.stdout
    english = run_pwb(seeded_wikis, "triage_report", text).stdout
    assert "Drohung" not in english and "needs-evidence" in english
