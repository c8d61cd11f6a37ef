"""Property-based tests: the parser, the loaders and the source never crash on any
input except with a clear validation error, and parsing is stable."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import ConfigError, DataError, NoticeboardError

# Wikitext-ish text: the characters and fragments that matter to the parser.
FRAGMENTS = st.sampled_from([
    "== ", " ==", "=", "\n", ":", "*", "#", "[[User:", "[[User talk:", "|", "]]",
    "[[Special:Contributions/", "192.0.2.1", "{{", "}}", "{{unsigned|", "{{atop|result=",
    "{{abot}}", "{{resolved}}", "<!--", "-->", "<nowiki>", "</nowiki>", "12:34, 5 June 2024 (UTC)",
    "25:99, 31 February 2024 (UTC)", "Alice", "Bob", " ", "~~~~", "\u202e", "\u200b", "é",
])
WIKITEXT = st.lists(FRAGMENTS | st.text(max_size=5), max_size=80).map("".join)
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(WIKITEXT)
def test_parser_never_crashes_and_spans_are_sane(text):
    from bot.threads import parse_entries, parse_threads

    for thread in parse_threads(text) + parse_entries(text):
        assert 0 <= thread.start <= thread.end <= len(text)
        for comment in thread.comments:
            assert 0 <= comment.start <= comment.end <= len(text)


@FUZZ
@given(st.lists(WIKITEXT, min_size=1, max_size=4))
def test_parse_render_parse_is_stable(sections):
    """Cutting a page into its threads and gluing them back parses the same."""
    from bot.threads import parse_threads

    text = "".join(f"== T{i} ==\n{body}\n" for i, body in enumerate(sections))
    first = parse_threads(text)
    rebuilt = text[:first[0].start] + "".join(text[t.start:t.end] for t in first) if first else text
    second = parse_threads(rebuilt)
    assert [(t.heading, t.key, [(c.author, c.timestamp) for c in t.comments]) for t in first] == \
        [(t.heading, t.key, [(c.author, c.timestamp) for c in t.comments]) for t in second]


@FUZZ
@given(WIKITEXT, WIKITEXT)
def test_diff_never_crashes(old, new):
    from bot.changes import diff_threads

    for change in diff_threads(old, new):
        assert change.kind in ("thread-opened", "thread-removed", "comment-added",
                               "thread-closed", "thread-reopened")


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=12)


@FUZZ
@given(YAML_VALUES)
def test_config_loader_gives_a_config_or_one_clear_error(value):
    from bot.config import load_config

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "deployment.yaml"
        path.write_text(yaml.safe_dump(value))
        try:
            load_config(path)
        except ConfigError as exc:
            assert "\n" not in str(exc) and str(path) in str(exc)


@FUZZ
@given(st.dictionaries(st.sampled_from(["language", "categories", "patterns", "rules",
                                        "negations", "routes", "x"]), YAML_VALUES, max_size=4))
def test_triage_rules_loader_gives_rules_or_a_data_error(value):
    from bot.triage import load_rules

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "en.yaml").write_text(yaml.safe_dump(value))
        try:
            load_rules("en", tmp)
        except DataError as exc:
            assert "en.yaml" in str(exc)


@FUZZ
@given(YAML_VALUES)
def test_resource_source_gives_resources_or_a_data_error(value):
    from bot.resources import parse_catalogue

    try:
        parse_catalogue(value, "fuzz.yaml")
    except DataError as exc:
        assert "fuzz.yaml" in str(exc)


@FUZZ
@given(st.text(max_size=300))
def test_triage_and_reply_checker_take_any_text(text):
    from bot.replies import check
    from bot.triage import suggest

    for s in suggest(text):
        assert 0 <= s.score <= 1
    for finding in check(text):
        assert finding.severity in ("error", "warning", "info")


def test_errors_are_all_one_family():
    assert issubclass(DataError, NoticeboardError) and issubclass(ConfigError, NoticeboardError)
