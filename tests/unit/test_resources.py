"""Support resources (issue 7): the canonical source, its pages, and the link checker.

Corpora in tests/data/resources/: catalogue.yaml (a small valid source), invalid.yaml
(broken variants, each with the entry and field the error must name), injection.yaml
(hostile text that must render as plain text).  The link checker runs against a real
http.server on 127.0.0.1 started here; no outside address is ever contacted.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.server
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.datafiles import read_yaml
from bot.errors import DataError, UsageError
from bot.resources import (
    KINDS, MarkerError, check_links, check_urls, current_section, describe_changes,
    load_catalogue, load_resources, markers, parse_catalogue, render_for_reply, render_list,
    select, splice, stale,
)
from bot.resources.catalogue import DEFAULT_PATH
from bot.resources.pages import entry_rows, safe_link_target

DATA = Path(__file__).resolve().parent.parent / "data" / "resources"
FIXTURE = DATA / "catalogue.yaml"
TODAY = dt.date(2025, 6, 1)


def fixture_data() -> dict:
    return read_yaml(FIXTURE)


def fixture_catalogue(data: dict | None = None):
    return parse_catalogue(data or fixture_data(), "catalogue.yaml", today=TODAY)


def merge(base: dict, patch: dict) -> dict:
    """Deep-merge *patch* into a copy of *base*; ``None`` deletes a key."""
    result = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


# --- The repository's canonical source ------------------------------------------------

def test_repository_source_is_valid_and_complete():
    catalogue = load_catalogue()
    ids = [r.id for r in catalogue.resources]
    assert len(ids) == len(set(ids)) >= 10
    assert {r.kind for r in catalogue.resources} == set(KINDS)
    emergency = [r for r in catalogue.resources if r.kind == "emergency" and r.international]
    assert [r.email for r in emergency] == ["emergency@wikimedia.org"]
    assert any(r.email == "ca@wikimedia.org" for r in catalogue.resources)
    for resource in catalogue.resources:
        assert resource.source.startswith("https://")
        assert resource.url or resource.phones or resource.email, resource.id
    for lang in catalogue.labels:
        assert set(catalogue.labels_for(lang)["kinds"]) == set(KINDS)


def test_load_resources_default_and_explicit_path_agree():
    assert load_resources() == load_resources(DEFAULT_PATH)


def test_phone_numbers_get_dialable_targets():
    by_id = {r.id: r for r in load_resources()}
    assert by_id["us-988-lifeline"].phones[0].dial == "988"
    assert by_id["de-telefonseelsorge"].phones[0].dial == "+498001110111"
    assert by_id["us-rainn"].phones[0].dial == "+18006564673"


# --- Validation errors name file, entry and field ------------------------------------

INVALID = read_yaml(DATA / "invalid.yaml")


@pytest.mark.parametrize("case", INVALID, ids=[f"invalid.yaml:{c['id']}" for c in INVALID])
def test_invalid_source_names_file_entry_and_field(case, tmp_path):
    data = fixture_data()
    data["resources"][case["index"]] = merge(data["resources"][case["index"]], case["patch"])
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    fixture_catalogue()  # the unpatched fixture is valid: the patch alone breaks it
    with pytest.raises(DataError) as caught:
        load_catalogue(broken, today=TODAY)
    message = str(caught.value)
    assert message.startswith("broken.yaml: ")
    assert f"entry {case['entry']}," in message
    assert f"field '{case['field']}'" in message
    if "says" in case:
        assert case["says"] in message


def test_missing_english_label_is_rejected():
    data = fixture_data()
    del data["labels"]["en"]["columns"]["cost"]
    with pytest.raises(DataError, match="cost"):
        fixture_catalogue(data)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="nothere.yaml"):
        load_catalogue(tmp_path / "nothere.yaml")


def test_format_exception_admits_a_sourced_number_the_metadata_lacks():
    data = fixture_data()
    phone = {"number": "116 016", "region": "DE"}
    data["resources"][2]["contact"]["phones"] = [phone]
    with pytest.raises(DataError, match="format_exception"):
        fixture_catalogue(data)
    phone["format_exception"] = "Published on the service's own site; metadata lags."
    assert fixture_catalogue(data).resources[2].phones[0].dial == "116016"


# --- Selecting -------------------------------------------------------------------------

def test_emergency_contacts_survive_every_filter():
    resources = fixture_catalogue().resources
    for lang in ("en", "de", "fr"):
        for kinds in (None, ["legal-aid"], []):
            chosen = select(resources, lang=lang, region="US", kinds=kinds)
            assert "test-emergency" in [r.id for r in chosen]


def test_select_filters_by_region_language_and_kind():
    resources = fixture_catalogue().resources
    ids = lambda **kw: [r.id for r in select(resources, **kw)]  # noqa: E731
    assert ids(lang="en", region="US") == ["test-emergency", "test-us-line",
                                            "test-legal-directory"]
    assert ids(lang="de", region="DE") == ["test-emergency", "test-de-line"]
    assert ids(lang="de", region="US") == ["test-emergency"]  # US services are not in German
    assert ids(lang="es", region=None) == ["test-emergency", "test-us-line"]
    assert ids(lang="en", region="us", kinds=["legal-aid"]) == ["test-emergency",
                                                                 "test-legal-directory"]
    with pytest.raises(ValueError, match="counselling"):
        select(resources, lang="en", kinds=["counselling"])


def test_select_refuses_a_region_that_is_not_a_country_code():
    resources = fixture_catalogue().resources
    ids = lambda **kw: [r.id for r in select(resources, **kw)]  # noqa: E731
    assert ids(lang="de", region="de") == ids(lang="de", region="DE")
    assert ids(lang="en", region="international") == ["test-emergency"]
    for bad in ("ZZZ", "ZZ", "", "U S", "ß"):   # "ß".upper() is "SS", South Sudan
        with pytest.raises(UsageError, match="is not a country code"):
            select(resources, lang="en", region=bad)


def test_stale_entries_oldest_first():
    resources = fixture_catalogue().resources
    old = stale(resources, max_age_days=365, today=TODAY)
    assert [r.id for r in old] == ["test-legal-directory"]
    assert [r.id for r in stale(resources, max_age_days=100, today=TODAY)] == [
        "test-legal-directory", "test-de-line", "test-emergency"]


# --- Rendering --------------------------------------------------------------------------

def test_page_in_english_groups_by_kind_emergency_first():
    catalogue = fixture_catalogue()
    page = render_list(catalogue.resources, lang="en", region="US", catalogue=catalogue)
    headings = [line for line in page.splitlines() if line.startswith("===")]
    assert headings == ["=== Emergencies ===", "=== Crisis lines ===", "=== Legal aid ==="]
    assert list(entry_rows(page)) == ["test-emergency", "test-us-line", "test-legal-directory"]
    assert 'class="wikitable sortable"' in page
    assert "[tel:988 988]" in page and "[https://988lifeline.org/ Test US line]" in page
    assert "[mailto:emergency@wikimedia.org emergency@wikimedia.org]" in page
    assert "(directory)" in page and "not known" in page  # legal directory: cost unknown
    assert "2025&#45;03&#45;01" in page  # last verified, escaped like all data text
    assert "Test German line" not in page


def test_page_in_german_translates_and_falls_back_visibly():
    catalogue = fixture_catalogue()
    page = render_list(catalogue.resources, lang="de", region="DE", catalogue=catalogue)
    assert page.startswith("Testeinleitung.")
    assert "=== Notfälle ===" in page and "=== Krisentelefone ===" in page
    assert "Test&#45;Notfallkontakt" in page
    # The emergency description exists only in English: marked as such (English label,
    # since the German labels lack 'in_english').
    row = entry_rows(page)["test-emergency"]
    assert "Threats to safety." in row and "(in English)" in row
    assert "Telefon: [tel:+498001110111 0800 111 0 111]" in page
    assert "(in English)" not in entry_rows(page)["test-de-line"]


def test_page_with_nothing_to_list_says_so():
    data = fixture_data()
    data["resources"] = data["resources"][1:]  # no emergency contact
    catalogue = fixture_catalogue(data)
    page = render_list(catalogue.resources, lang="fr", region="JP", catalogue=catalogue)
    assert "Nothing listed yet." in page and "{|" not in page


def test_repository_pages_render_for_each_language():
    catalogue = load_catalogue()
    for lang, region in (("en", None), ("en", "GB"), ("de", None), ("de", "AT")):
        page = render_list(catalogue.resources, lang=lang, region=region)
        rows = entry_rows(page)
        assert "wikimedia-emergency" in rows
        expected = [r.id for r in select(catalogue.resources, lang=lang, region=region)]
        assert sorted(rows) == sorted(expected)


INJECTIONS = read_yaml(DATA / "injection.yaml")
FORBIDDEN = ("[[", "{{", "~~~", "__", "<script", "<span", "</nowiki", "nbh-resources:",
             "https://evil", "'''shout", "#REDIRECT", "{{#", "\u202e", "\u200b")


@pytest.mark.parametrize("case", INJECTIONS, ids=[f"injection.yaml:{c['id']}"
                                                  for c in INJECTIONS])
def test_injection_in_source_renders_as_text(case):
    data = fixture_data()
    hostile = {"en": case["text"], "de": case["text"]}
    entry = data["resources"][1]
    entry.update(name=hostile, description=hostile, languages=["en", "de"])
    entry["contact"]["hours"] = hostile
    entry["contact"]["phones"][0]["note"] = hostile
    catalogue = fixture_catalogue(data)
    for lang in ("en", "de"):
        page = render_list(catalogue.resources, lang=lang, region="US", catalogue=catalogue)
        row = entry_rows(page)["test-us-line"]
        chosen = select(catalogue.resources, lang=lang, region="US")
        reply = render_for_reply(chosen, lang, catalogue=catalogue)
        for text in (row, reply):
            for bad in FORBIDDEN:
                assert bad not in text.strip("\n"), (bad, text)
        # The table keeps its shape: one row line per entry, no stray table ends,
        # no line that starts a list, heading or indent.
        lines = page.splitlines()
        assert sum(line.startswith("|-") for line in lines) == len(chosen)
        assert sum(line.startswith("|}") for line in lines) == sum(
            line.startswith("{|") for line in lines)
        assert not [line for line in lines if line[:1] in ("*", "#", ":", ";")
                    or (line.startswith("=") and not line.startswith("=== "))]
        assert len(reply.splitlines()) == len(chosen)
        # And it splices and reads back unchanged.
        spliced, _ = splice("Intro\n" + "\n".join(markers("main")) + "\n", page, "main")
        assert current_section(spliced, "main") == page.strip("\n")


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_link_targets_cannot_carry_markup(tail):
    target = safe_link_target("https://example.org/" + tail)
    assert not any(c in target for c in " \t\n[]{}|<>\"'")
    assert "~~" not in target and "__" not in target
    assert target.isascii()


def test_link_targets_refuse_other_schemes():
    for url in ("javascript:alert(1)", "//evil.example.org", "data:text/html,x"):
        with pytest.raises(ValueError):
            safe_link_target(url)


def test_reply_rendering_is_short_and_feeds_a_passing_draft():
    from bot.drafts import draft_reply
    from bot.replies import check

    catalogue = load_catalogue()
    chosen = select(catalogue.resources, lang="en", region="GB",
                    kinds=["crisis-line", "victim-support"])
    text = render_for_reply(chosen, "en")
    assert text.count("\n") == len(chosen) == len({r.id for r in chosen})
    assert all(line.startswith("* ") for line in text.splitlines())
    assert "[tel:116123 116 123]" in text and "[https://www.samaritans.org/ Samaritans]" in text
    assert render_for_reply(chosen + chosen, "en") == text  # duplicates dropped
    assert render_for_reply([], "en") == ""
    draft = draft_reply(outcome="non-actionable", audience="reporter", lang="en",
                        reporter="Example", resources=text)
    assert text.strip() in draft
    codes = [f.code for f in check(draft, lang="en", outcome="non-actionable",
                                   audience="reporter")]
    assert "no-support-resources" not in codes


# --- Splicing between markers -----------------------------------------------------------

START, END = markers("main")
HUMAN_BEFORE = "Intro written by people.  \t\r\n== Heading ==\nÜmlaut – “quotes” \u00a0\n"
HUMAN_AFTER = "\n\nTrailing notes [[Category:Support]]\n{{Talk footer}}   "


def page_with(inner: str) -> str:
    return HUMAN_BEFORE + START + inner + END + HUMAN_AFTER


def test_splice_is_idempotent_and_keeps_human_text_byte_for_byte():
    catalogue = fixture_catalogue()
    section = render_list(catalogue.resources, lang="en", catalogue=catalogue)
    first, changed = splice(page_with("\nold bot text\n"), section, "main")
    assert changed
    assert first.startswith(HUMAN_BEFORE + START) and first.endswith(END + HUMAN_AFTER)
    second, changed_again = splice(first, render_list(catalogue.resources, lang="en",
                                                      catalogue=catalogue), "main")
    assert not changed_again and second == first
    assert current_section(first, "main") == section.strip("\n")


def test_splice_touches_only_its_own_markers():
    other_start, other_end = markers("other")
    page = (HUMAN_BEFORE + other_start + "\nkeep me\n" + other_end + "\n" + START + "\n"
            + END + HUMAN_AFTER)
    new, changed = splice(page, "new list", "main")
    assert changed and "\nkeep me\n" in new
    assert new == page.replace(START + "\n" + END, START + "\nnew list\n" + END)


def test_retyped_markers_are_still_found():
    page = "a\n<!--nbh-resources:main   START-->\nx\n<!--  nbh-resources:main end  -->\nb"
    new, changed = splice(page, "y", "main")
    assert changed
    assert new == "a\n<!--nbh-resources:main   START-->\ny\n<!--  nbh-resources:main end  -->\nb"


def test_page_without_markers_is_refused_with_a_clear_message():
    with pytest.raises(MarkerError) as caught:
        splice(HUMAN_BEFORE, "list", "main")
    assert START in str(caught.value) and END in str(caught.value)


def test_page_without_markers_can_be_appended_to_when_asked():
    new, changed = splice(HUMAN_BEFORE.rstrip("\n"), "list", "main", missing="append")
    assert changed and new.startswith(HUMAN_BEFORE.rstrip("\n"))
    assert new.endswith(f"\n{START}\nlist\n{END}\n")
    assert splice(new, "list", "main") == (new, False)


@pytest.mark.parametrize("page, says", [
    (START + "\nx\n" + START + "\n" + END, "2 start and 1 end"),
    (START + "\nx\n", "1 start and 0 end"),
    (END + "\nx\n" + START, "before its start"),
], ids=["two-starts", "no-end", "reversed"])
def test_broken_markers_are_refused(page, says):
    with pytest.raises(MarkerError, match=says):
        splice(page, "list", "main")


def test_bad_marker_ids_and_marker_in_section_are_bugs():
    with pytest.raises(ValueError):
        splice(page_with("\n"), "list", "main -->")
    with pytest.raises(ValueError):
        splice(page_with("\n"), "x " + END, "main")


# --- Change summaries ------------------------------------------------------------------

def test_changes_name_added_removed_and_updated_entries():
    base = fixture_data()
    before = fixture_catalogue(base)
    old = render_list(before.resources, lang="en", catalogue=before)
    changed = copy.deepcopy(base)
    changed["resources"][1]["contact"]["hours"] = {"en": "evenings"}
    changed["resources"][3]["kind"] = "victim-support"  # a moved entry is an update
    changed["resources"].append(merge(base["resources"][1], {"id": "test-new-line"}))
    del changed["resources"][0]
    catalogue = fixture_catalogue(changed)
    new = render_list(catalogue.resources, lang="en", catalogue=catalogue)
    changes = describe_changes(old, new)
    assert changes.added == ("test-new-line",) and changes.removed == ("test-emergency",)
    assert changes.updated == ("test-legal-directory", "test-us-line")
    assert not changes.wording
    assert changes.as_text() == ("added test-new-line; removed test-emergency; "
                                 "updated test-legal-directory, test-us-line")
    assert not describe_changes(new, new)
    assert describe_changes(None, new).added == tuple(sorted(entry_rows(new)))


def test_wording_change_without_entry_change():
    data = fixture_data()
    catalogue = fixture_catalogue(data)
    old = render_list(catalogue.resources, lang="en", catalogue=catalogue)
    data["labels"]["en"]["intro"] = "A new intro."
    catalogue = fixture_catalogue(data)
    new = render_list(catalogue.resources, lang="en", catalogue=catalogue)
    changes = describe_changes(old, new)
    assert changes.wording and not (changes.added or changes.removed or changes.updated)
    assert changes.as_text() == "wording"


# --- Link checker against a local server --------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    """Good, dead, slow, redirecting and HEAD-refusing links on 127.0.0.1."""

    active = 0
    peak = 0
    lock = threading.Lock()

    def log_message(self, *args):  # keep test output clean
        pass

    def _answer(self, status: int, location: str | None = None, body: bytes = b"ok"):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _route(self):
        path = urlsplit(self.path).path
        port = self.server.server_address[1]
        if path == "/ok":
            self._answer(200)
        elif path == "/dead":
            self._answer(404, body=b"gone")
        elif path == "/moved":
            self._answer(301, location="/ok")
        elif path == "/hop":
            self._answer(302, location="/moved")
        elif path == "/elsewhere":
            self._answer(302, location=f"http://localhost:{port}/ok")
        elif path == "/loop":
            self._answer(302, location="/loop")
        elif path == "/slow":
            time.sleep(1.5)
            self._answer(200)
        elif path == "/no-head":
            self._answer(405 if self.command == "HEAD" else 200)
        elif path == "/busy":
            with _Handler.lock:
                _Handler.active += 1
                _Handler.peak = max(_Handler.peak, _Handler.active)
            time.sleep(0.15)
            with _Handler.lock:
                _Handler.active -= 1
            self._answer(200)
        else:
            self._answer(500, body=b"unexpected")

    do_GET = do_HEAD = _route


@pytest.fixture(scope="module")
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _check(urls, **options):
    options.setdefault("timeout", 0.5)
    return check_urls(urls, trust_env=False, **options)


def test_good_and_dead_links(local_server):
    ok, dead = _check([f"{local_server}/ok", f"{local_server}/dead"])
    assert ok.ok and ok.status == 200 and not ok.redirected and ok.method == "HEAD"
    assert not dead.ok and dead.status == 404 and dead.error is None


def test_redirects_are_followed_and_reported(local_server):
    moved, hop, elsewhere = _check([f"{local_server}/moved", f"{local_server}/hop",
                                    f"{local_server}/elsewhere"])
    assert moved.ok and moved.redirected and moved.final_url == f"{local_server}/ok"
    assert not moved.moved_elsewhere
    assert hop.redirects == (f"{local_server}/hop", f"{local_server}/moved")
    assert hop.final_url == f"{local_server}/ok"
    assert elsewhere.ok and elsewhere.moved_elsewhere
    assert urlsplit(elsewhere.final_url).hostname == "localhost"


def test_timeouts_loops_and_refused_connections(local_server):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    slow, loop, refused = _check([f"{local_server}/slow", f"{local_server}/loop", closed],
                                 max_redirects=5)
    assert slow.error == "timeout" and slow.status is None and not slow.ok
    assert slow.elapsed < 1.4
    assert loop.error == "too-many-redirects" and not loop.ok
    assert refused.error == "connection" and not refused.ok


def test_head_refused_falls_back_to_get(local_server):
    (result,) = _check([f"{local_server}/no-head"])
    assert result.ok and result.method == "GET" and result.status == 200


def test_concurrency_is_bounded_and_order_kept(local_server):
    urls = [f"{local_server}/busy?n={i}" for i in range(9)]
    _Handler.peak = 0
    results = _check(urls + urls[:2], workers=3)
    assert [r.url for r in results] == urls  # each URL once, in input order
    assert all(r.ok for r in results)
    assert 2 <= _Handler.peak <= 3
    _Handler.peak = 0
    _check(urls[:4], workers=1)
    assert _Handler.peak == 1
    with pytest.raises(ValueError):
        _check(urls, workers=0)


def test_check_links_maps_urls_to_entries(local_server):
    data = fixture_data()
    # The schema admits only https URLs; for the local server, bypass it after loading.
    catalogue = fixture_catalogue(data)
    from dataclasses import replace

    resources = [replace(catalogue.resources[0], url=f"{local_server}/ok",
                         source=f"{local_server}/ok"),
                 replace(catalogue.resources[1], url=f"{local_server}/dead",
                         source=f"{local_server}/ok")]
    results = check_links(resources, timeout=0.5, workers=2, trust_env=False)
    by_url = {r.url: r for r in results}
    assert len(results) == 2
    assert by_url[f"{local_server}/ok"].uses == (
        ("test-emergency", "url"), ("test-emergency", "source"), ("test-us-line", "source"))
    assert by_url[f"{local_server}/dead"].uses == (("test-us-line", "url"),)
    assert [r.url for r in results if not r.ok] == [f"{local_server}/dead"]
