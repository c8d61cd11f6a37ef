"""The public backlog page: neutral, escaped, withholding sensitive headings."""

from __future__ import annotations

from bot.backlog import open_threads, render_backlog
from bot.config import Board

BOARD = Board(wiki="w", name="incidents", title="Project:Incidents", preset="enwiki")
TEXT = """Header
== Closed ==
{{atop|result=done}}
X. [[User:A]] 01:00, 1 May 2024 (UTC)
{{abot}}
== [[Category:Hijack]] {{delete}} <script>x</script> ~~~~ ==
Spam. [[User:B]] 02:00, 1 May 2024 (UTC)
:Reply. [[User:C]] 03:00, 1 May 2024 (UTC)
== Someone posted my address, 12 Example Street ==
Help. [[User:D]] 04:00, 1 May 2024 (UTC)
"""


def test_only_open_threads_with_dates_and_participants():
    rows = open_threads(BOARD, TEXT)
    assert len(rows) == 2
    assert rows[0].participants == 2 and rows[0].comments == 2
    assert rows[0].opened.hour == 2 and rows[0].last_activity.hour == 3


def test_user_text_cannot_inject_markup():
    page, count = render_backlog([BOARD], {BOARD.title: TEXT})
    assert count == 2
    assert "[[Category:" not in page and "{{delete}}" not in page
    assert "<script>" not in page and "~~~~" not in page


def test_headings_with_personal_data_are_withheld():
    page, _ = render_backlog([BOARD], {BOARD.title: TEXT})
    assert "Example Street" not in page and "heading withheld" in page


def test_same_boards_same_page():
    assert render_backlog([BOARD], {BOARD.title: TEXT}) == render_backlog([BOARD], {BOARD.title: TEXT})


def test_headings_of_reports_triaged_as_private_categories_are_withheld():
    text = ("== Threat left on my talk page ==\nSomeone wrote that they will come to my house "
            "and hurt me. [[Special:Diff/9]] [[User:D]] 04:00, 1 May 2024 (UTC)\n"
            "== Edit warring at Foo ==\nTwo users keep reverting. [[Special:Diff/10]] "
            "[[User:E]] 05:00, 1 May 2024 (UTC)\n")
    page, count = render_backlog([BOARD], {BOARD.title: text})
    assert count == 2
    assert "Threat left" not in page and "Edit warring at Foo" in page


def test_a_suggestion_the_second_look_withdraws_still_withholds_the_heading():
    report = ("He says my edit is doxxing because I added the company's registered office "
              "address from its own website. [[Special:Diff/3]]")
    from bot.triage import suggest
    doxxing = next(s for s in suggest(report) if s.category == "doxxing")
    assert not doxxing.suggested and doxxing.evidence[0].startswith("withdrawn")
    text = (f"== Question about my edit ==\n{report} [[User:F]] 06:00, 1 May 2024 (UTC)\n"
            "== Edit warring at Foo ==\nTwo users keep reverting. [[Special:Diff/10]] "
            "[[User:E]] 05:00, 1 May 2024 (UTC)\n")
    page, count = render_backlog([BOARD], {BOARD.title: text})
    assert count == 2
    # The public page errs towards withholding: the first opinion suggested doxxing.
    assert "Question about my edit" not in page and "Edit warring at Foo" in page
