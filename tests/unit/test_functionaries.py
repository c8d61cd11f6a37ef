"""Private outputs: report rows, reporter records, read-back of decisions, targets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.boards import load_preset
from bot.events import Event
from bot.functionaries import read_decisions, report_records, report_rows
from bot.reports import report_text, targets_of
from bot.threads import parse_entries, parse_threads

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def ev(kind: str, thread: str, user: str, minutes: int, **kw) -> Event:
    return Event(wiki="w", board="B", kind=kind, revid=minutes, rev_time=T0 + timedelta(minutes=minutes),
                 user=user, thread_key=thread, heading=f"h{thread}", **kw)


def test_rows_join_openings_with_closures_and_archives():
    events = [ev("thread-opened", "1", "Rep", 1, categories=(("hounding", 0.8),)),
              ev("thread-opened", "2", "Rep", 2),
              ev("comment-added", "1", "Other", 3),
              ev("thread-closed", "1", "Admin", 4, outcome="unfounded"),
              ev("thread-archived", "2", "Clerk", 5, archive="Arch"),
              ev("thread-opened", "3", "Rep", 6),
              ev("thread-closed", "3", "Admin", 7),
              ev("thread-reopened", "3", "Rep", 8)]
    rows = report_rows(events)
    assert [r.opened.thread_key for r in rows] == ["1", "2", "3"]
    assert [r.open for r in rows] == [False, False, True]
    assert rows[0].suggestions[0]["category"] == "hounding" and rows[0].suggestions[0]["route"]
    assert report_rows(events, since=T0 + timedelta(minutes=2))[0].opened.thread_key == "2"


def test_records_count_only_trusted_closures_and_known_authors():
    events = [ev("thread-opened", "1", "Rep", 1), ev("thread-closed", "1", "Admin", 2, outcome="unfounded"),
              ev("thread-opened", "2", "Rep", 3), ev("thread-closed", "2", "Troll", 4, outcome="unfounded"),
              ev("thread-opened", "3", None, 5)]
    records = report_records(report_rows(events), lambda wiki, user: user == "Admin")
    assert [(r.thread_key, r.closer_trusted, r.outcome) for r in records] == [
        ("1", True, "unfounded"), ("2", False, "unfounded")]


def test_decisions_are_read_back_from_the_private_page():
    text = ("== A ==\n{{Noticeboard helper flag|reporter=J&#252;rgen|evidence=ev-1|status=dismissed}}\n"
            "== B ==\n{{Noticeboard helper flag|reporter=B|evidence=ev-2|status=open}}\n"
            "{{Noticeboard helper flag |reporter= C |evidence=ev-3|status=Confirmed}}")
    assert read_decisions(text) == [("Jürgen", "ev-1", "dismissed"), ("C", "ev-3", "confirmed")]
    assert read_decisions(None) == []


def test_targets_are_the_users_a_report_names_not_its_reporter():
    text = ("== Hounding by [[User:Shadow Trail|ST]] ==\n"
            "{{userlinks|Second Person}} and [[Special:Contributions/192.0.2.1|an IP]] keep "
            "following me. [[User:Reporter|Reporter]] 10:00, 1 May 2024 (UTC)\n"
            ":Reply naming [[User:Later Person]]. [[User:X]] 11:00, 1 May 2024 (UTC)\n")
    thread = parse_threads(text)[0]
    assert "Later Person" not in report_text(text, thread)
    assert targets_of(text, thread, load_preset("enwiki"), "Reporter") == (
        "Shadow Trail", "Second Person", "192.0.2.1")
    line = "* {{vandal|Bad Actor}} – spam [[User:Rep]] 01:00, 1 May 2024 (UTC)\n"
    entry = parse_entries(line)[0]
    assert targets_of(line, entry, load_preset("enwiki"), "Rep") == ("Bad Actor",)


def test_backfilled_history_joins_the_records_without_doubling_what_the_watcher_saw():
    from bot.functionaries import with_history
    from bot.history import HistoryEntry

    events = [ev("thread-opened", "1", "Rep", 1), ev("thread-closed", "1", "Admin", 2, outcome="actioned")]
    records = report_records(report_rows(events), lambda *_: True)
    seen_live = HistoryEntry("w", "B", "1", "h1", "Rep", 1, T0, "B/Archive", outcome="unfounded")
    archived = HistoryEntry("w", "B", "9", "h9", "Rep", 9, T0, "B/Archive", outcome="unfounded",
                            closer="Admin", closer_trusted=True)
    unattributed = HistoryEntry("w", "B", "8", "h8", None, 0, T0, "B/Archive")
    merged = with_history(records, [seen_live, archived, unattributed])
    assert [(r.thread_key, r.outcome) for r in merged] == [("1", "actioned"), ("9", "unfounded")]


def test_outcomes_set_by_functionaries_override_and_always_count():
    from bot.functionaries import read_outcomes, with_outcomes_set
    from bot.history import report_id

    events = [ev("thread-opened", "1", "Rep", 1), ev("thread-closed", "1", "Troll", 2, outcome="actioned"),
              ev("thread-opened", "2", "Rep", 3)]
    records = report_records(report_rows(events), lambda wiki, user: user == "Admin")
    rid = report_id(records[0].key)
    page = (f"{{{{Noticeboard helper outcome|report={rid}|outcome=Unfounded}}}}\n"
            "{{Noticeboard helper outcome|report=0000000000|outcome=guilty}}\n"
            "{{Noticeboard helper outcome|report=abc|outcome=actioned}}")
    assert read_outcomes(page) == [(rid, "unfounded")]
    fixed = with_outcomes_set(records, {rid: ("unfounded", "wiki")})
    assert (fixed[0].outcome, fixed[0].closer_trusted) == ("unfounded", True)
    assert fixed[1] == records[1]


def test_mail_to_a_failing_recipient_is_retried_alone(tmp_path):
    from bot.errors import WikiError
    from bot.functionaries import PrivateReport, deliver
    from bot.store import Store

    class Publisher:  # records sends; the second recipient fails until told not to
        simulating = False

        def __init__(self):
            self.sent, self.failing = [], {"Bea"}

        def mail(self, wiki, user, subject, text):
            if user in self.failing:
                raise WikiError(f"mail to {user} refused")
            self.sent.append(user)

    store, publisher = Store(f"sqlite:///{tmp_path}/s.sqlite"), Publisher()
    args = dict(kind="emergency", mail_key="w|B|k", subject="s", text="t")
    first = PrivateReport()
    assert deliver(store, publisher, first, "priv", ["Ann", "Bea"], **args) is False
    assert publisher.sent == ["Ann"] and first.failures and first.mails == 1
    publisher.failing = set()
    second = PrivateReport()
    assert deliver(store, publisher, second, "priv", ["Ann", "Bea"], **args) is True
    assert publisher.sent == ["Ann", "Bea"]  # Ann is not mailed twice
    assert deliver(store, publisher, PrivateReport(), "priv", ["Ann", "Bea"], **args) is True
    assert publisher.sent == ["Ann", "Bea"]
