"""`pwb draft_reply` and `pwb check_reply` as a functionary runs them."""

from __future__ import annotations

import pytest

from tests.harness import run_pwb


@pytest.mark.parametrize("args, greeting", [
    # -to names whoever the draft is for: the subject, for this outcome.
    (("-outcome:malicious-report-subject", "-to:Bob"), "Hello Bob,"),
    # -lang is the draft's language, not Pywikibot's site code
    (("-outcome:actionable", "-to:Alice", "-lang:de"), "Hallo Alice,"),
    (("-outcome:referred", "-to:Alice", "-lang:de", "-region:AT"), "Hallo Alice,"),
    (("-outcome:non-actionable", "-to:Alice", "-region:gb"), "Hello Alice,"),
])
def test_a_draft_greets_its_reader_and_passes_its_own_check(local_wikis, args, greeting):
    result = run_pwb(local_wikis, "draft_reply", *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == greeting, result.stdout
    assert result.stdout.rstrip().endswith("check: passes"), result.stdout


def test_check_reply_reads_a_file_and_fails_on_an_error(local_wikis, tmp_path):
    good = run_pwb(local_wikis, "draft_reply", "-outcome:actionable", "-to:Alice").stdout
    draft = tmp_path / "draft.txt"
    draft.write_text(good.split("\ncheck:")[0].split("\n[")[0], encoding="utf-8")
    result = run_pwb(local_wikis, "check_reply", f"-file:{draft}", "-outcome:actionable")
    assert result.returncode == 0, result.stdout + result.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text("Hi. The harasser lives at 14 Mill Road, Leeds. We blocked him.\n",
                   encoding="utf-8")
    result = run_pwb(local_wikis, "check_reply", f"-file:{bad}", "-outcome:actionable")
    assert result.returncode == 1
    assert "shares-confidential-details" in result.stdout


@pytest.mark.parametrize("script, args, message", [
    ("check_reply", ("-file:{tmp}/reply.txt", "-outcome:bogus"), "unknown outcome"),
    ("check_reply", ("-file:{tmp}/reply.txt", "-audience:bogus"), "unknown audience"),
    ("check_reply", ("-file:{tmp}/reply.txt", "-outcome:malicious-report-subject",
                     "-audience:reporter"), "malicious-report-subject"),
    ("check_reply", ("-file:{tmp}/missing.txt",), "cannot read it"),
    ("check_reply", ("-file:{tmp}",), "cannot read it"),
    ("check_reply", ("-file:{tmp}/latin1.txt",), "not UTF-8"),
    ("draft_reply", ("-outcome:bogus",), "unknown outcome"),
    ("draft_reply", ("-outcome:actionable", "-audience:bogus"), "unknown audience"),
    ("draft_reply", ("-outcome:actionable", "-lang:fr"), "no reply templates"),
    ("draft_reply", ("-outcome:actionable", "-region:ZZZ"), "country code"),
])
def test_a_wrong_option_gets_one_clear_line(local_wikis, tmp_path, script, args, message):
    (tmp_path / "reply.txt").write_text("Thank you for the report.\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Grüße".encode("latin-1"))
    result = run_pwb(local_wikis, script, *(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert message in result.stderr, result.stderr
