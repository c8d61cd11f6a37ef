"""bot.boards: presets compile once into everything bot.threads scans with."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.boards import load_preset
from bot.threads import parse_entries, parse_threads

PRESET = """\
name: {name}
language: en
timestamp:
  format: "{fmt}"
  months: [Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec]
  zones: {{UTC: 0, EST: -5}}
namespaces: {{}}
"""


def _preset(tmp_path, name, fmt):
    (tmp_path / f"{name}.yaml").write_text(PRESET.format(name=name, fmt=fmt))
    return load_preset(name, str(tmp_path))


@pytest.mark.parametrize("name, sample", [
    ("enwiki", "23:59, 30 September 2024 (UTC)"),
    ("dewiki", "23:59, 30. Sept. 2024 (CEST)"),
])
def test_zone_window_covers_the_longest_single_spaced_timestamp(name, sample):
    preset = load_preset(name)
    hit = preset.zone_re.search(sample)
    assert hit is not None and hit.end() == len(sample)
    assert hit.start() == preset.stamp_before  # the longest form fits exactly
    assert preset.stamp_after == 0
    assert preset.timestamp_re.search(sample, hit.start() - preset.stamp_before).start() == 0


def test_zone_pattern_includes_the_brackets_around_the_zone():
    preset = load_preset("enwiki")
    assert preset.zone_re.search("(UTC)") and not preset.zone_re.search("UTC time")


@pytest.mark.parametrize("name", ["enwiki", "dewiki"])
def test_template_patterns_are_compiled_in_the_preset(name):
    preset = load_preset(name)
    for template in preset.unsigned:
        assert preset.unsigned_re.match("{{subst:" + template + "|X}}"), template
    for template in [*preset.wrap, *preset.markers]:
        assert preset.closure_re.match("{{" + template.upper()[:1] + template[1:] + "}}"), template
    for template in preset.entries:
        assert preset.entry_re.search("* {{" + template + "|Someone}} spam").group(2) == "Someone"


def test_preset_without_templates_compiles_none_and_parses(tmp_path):
    preset = _preset(tmp_path, "bare", "{hour}:{minute}, {day} {month} {year} ({zone})")
    assert preset.unsigned_re is None and preset.closure_re is None and preset.entry_re is None
    text = "== T ==\n{{resolved}} Hi. [[User:Al]] 01:02, 3 Mar 2024 (EST)\n"
    thread, = parse_threads(text, preset)
    assert thread.closure is None
    assert [(c.author, c.timestamp) for c in thread.comments] == \
        [("Al", datetime(2024, 3, 3, 6, 2, tzinfo=timezone.utc))]
    assert parse_entries("* {{vandal|X}} [[User:Al]] 01:02, 3 Mar 2024 (UTC)\n", preset) == []


@pytest.mark.parametrize("fmt, stamp", [
    ("{hour}:{minute} {zone}, {day} {month} {year}", "01:02 EST, 3 Mar 2024"),  # zone inside
    ("{zone} {year}-{month}-{day} {hour}:{minute}", "EST 2024-Mar-3 01:02"),    # zone first
    ("{day} {month} {year} {hour}:{minute} [{zone}]", "3 Mar 2024 01:02 [EST]"),
])
def test_zone_anywhere_in_the_format(tmp_path, fmt, stamp):
    preset = _preset(tmp_path, "odd", fmt)
    thread, = parse_threads(f"== T ==\nHi. [[User:Al]] {stamp}\n:Re. [[User:Bo]] {stamp}\n",
                            preset)
    assert [(c.author, c.timestamp) for c in thread.comments] == \
        [(a, datetime(2024, 3, 3, 6, 2, tzinfo=timezone.utc)) for a in ("Al", "Bo")]
