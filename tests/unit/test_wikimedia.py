"""The shared Wikimedia conventions reach every reader: triage, reports and replies."""

from __future__ import annotations

import re

import pytest

from bot import wikimedia
from bot.boards import load_preset
from bot.replies import check
from bot.reports import targets_of
from bot.threads import parse_threads
from bot.triage import suggest
from bot.triage.rules import load_rules


def test_every_template_name_is_matched_whole_and_case_insensitively():
    pattern = re.compile(wikimedia.user_template_pattern(), re.I)
    for name in wikimedia.user_templates():
        call = "{{" + name.title() + " | Killer Bob }}"
        assert pattern.fullmatch(call), name
    assert wikimedia.subject_template_re().search("{{user0|Alice}}").group(1) == "Alice"


def test_addressing_templates_do_not_name_a_subject():
    subject = wikimedia.subject_template_re()
    assert subject.findall("{{ping|Admin One}} please look at {{userlinks|1=Troll}}") == ["Troll"]
    assert set(wikimedia.user_templates(subject_only=True)) < set(wikimedia.user_templates())


@pytest.mark.parametrize("lang", ["en", "de"])
def test_triage_blanks_every_shared_template(lang):
    rules = load_rules(lang)
    for name in wikimedia.user_templates():
        text = "{{" + name + "|Kill Yourself Now}}"
        assert not rules.blank_re.sub("", text).strip(), name


def test_a_user_name_in_a_shared_template_decides_nothing():
    text = "{{LockHide|I will kill you}} and {{Benutzer2|Doxxer}} keep reverting my edits."
    assert "threat-of-violence" not in {s.category for s in suggest(text) if s.score >= 0.5}


@pytest.mark.parametrize("lang, address", [("en", "trust-and-safety@wikimedia.org"),
                                           ("de", "info@wikimedia.de"),
                                           ("en", "answers@lists.wikimedia.org")])
def test_role_addresses_are_public_for_triage_and_replies(lang, address):
    report = f"He keeps e-mailing me; I wrote to {address} about it yesterday."
    assert "doxxing" not in {s.category for s in suggest(report, lang=lang) if s.score >= 0.5}
    reply = (f"Write to {address} if anything else happens." if lang == "en"
             else f"Schreiben Sie an {address}, falls noch etwas passiert.")
    assert "shares-confidential-details" not in {f.code for f in check(reply, lang=lang)}


def test_a_private_address_is_still_personal_information():
    report = "He posted my e-mail address jane.doe1987@example.net on his user page."
    found = {s.category for s in suggest(report) if s.score >= 0.5}
    assert "doxxing" in found


def test_report_subjects_come_from_subject_templates_only():
    text = ("== {{LockHide|Sock Master}} ==\n{{ping|Admin One}} {{Benutzer2|Second Account}} "
            "follows me around. [[User:Reporter|Reporter]] 10:00, 1 May 2026 (UTC)\n")
    thread = parse_threads(text)[0]
    assert targets_of(text, thread, load_preset("enwiki"), "Reporter") == (
        "Sock Master", "Second Account")


def test_a_role_domain_must_end_the_address():
    pattern = re.compile(wikimedia.public_email_pattern(), re.I)
    assert pattern.search("write to ca@wikimedia.org.")
    assert not pattern.search("jane.doe@wikimedia.org.example.net")
    assert not pattern.search("jane@wikimedia.de-mail.com")
