"""The privacy rules for public pages and edit summaries."""

from __future__ import annotations

import pytest

from bot.privacy import public_text_problems
from bot.publish import run_page_allows


@pytest.mark.parametrize("text, kind", [
    ("call +1 202-555-0143 now", "phone number"),
    ("write to jane.roe@example.org", "e-mail address"),
    ("he lives at 12 Example Street", "street address"),
    ("wohnt in der Musterstraße 12", "street address"),
    ("report of doxxing", "sensitive category"),
    ("possible self harm", "sensitive category"),
    ("Gefahr von Selbstverletzung", "sensitive category"),
    ("do\u200bxxing", "sensitive category"),
])
def test_private_material_is_found_by_kind(text, kind):
    problems = public_text_problems(text)
    assert any(kind in p for p in problems)
    # The description names the kind, never the material itself.
    assert all(text not in p for p in problems)


@pytest.mark.parametrize("text", [
    "Edit warring at [[Example article]]", "r123456789 on 2026-11-03 14:02 (UTC)",
    "Personal attacks by [[User:Foo]]", "Open threads: 12 on 3 boards",
])
def test_ordinary_board_text_passes(text):
    assert public_text_problems(text) == []


@pytest.mark.parametrize("text, allowed", [
    ("yes", True), (" Yes \n", True), ("run<!-- set to no to stop -->", True),
    ("no", False), ("", False), (None, False), ("yes please stop", False),
    ("stop", False),
])
def test_run_page_values(text, allowed):
    assert run_page_allows(text) is allowed
