"""The fault proxy itself, in front of a stub ``api.php`` on 127.0.0.1 (no wiki needed)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bot.faultproxy import (FAULT_KINDS, ApiRequest, Fault, FaultProxy, build_parser,
                            family_module, fault_from_args, pywikibot_dir_via_proxies,
                            request_params)


class _StubApi(BaseHTTPRequestHandler):
    """Answers every request with JSON naming what it received."""

    protocol_version = "HTTP/1.1"
    seen: list[dict] = []

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        params.update({k: v[-1] for k, v in parse_qs(body).items()})
        record = {"method": self.command, "path": parts.path, "params": params,
                  "host": self.headers.get("Host"), "agent": self.headers.get("User-Agent"),
                  "encoding": self.headers.get("Accept-Encoding"),
                  "filler": "x" * 400}
        type(self).seen.append(record)
        payload = json.dumps(record).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Set-Cookie", "session=abc; path=/; HttpOnly")
        self.send_header("Set-Cookie", "other=def; path=/")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer
    do_POST = _answer


@pytest.fixture
def stub_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StubApi)
    server.daemon_threads = True
    _StubApi.seen = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(stub_api):
    with FaultProxy(stub_api) as running:
        yield running


def _get(proxy: FaultProxy, timeout: float = 5, **params) -> requests.Response:
    return requests.get(proxy.url, params={"format": "json", **params}, timeout=timeout)


def _post(proxy: FaultProxy, timeout: float = 5, **params) -> requests.Response:
    return requests.post(proxy.url, data={"format": "json", **params}, timeout=timeout)


def _outcome(call) -> str:
    """What a client sees, in one word: ok, json-error:<code>, http<status>, or the error."""
    try:
        reply = call()
    except requests.exceptions.ReadTimeout:
        return "timeout"
    except requests.exceptions.ChunkedEncodingError:
        return "truncated"
    except requests.exceptions.ConnectionError:
        return "connection-error"
    if reply.status_code != 200:
        return f"http{reply.status_code}"
    try:
        data = reply.json()
    except ValueError:
        return "not-json"
    return f"json-error:{data['error']['code']}" if "error" in data else "ok"


# -- pass-through ------------------------------------------------------------------------

def test_passes_requests_through_unchanged(proxy):
    reply = _post(proxy, action="query", prop="revisions", titles="Project:Board")
    assert reply.status_code == 200
    seen = reply.json()
    assert seen["method"] == "POST" and seen["path"] == "/w/api.php"
    assert seen["params"]["titles"] == "Project:Board"
    assert seen["host"] == f"{proxy.target_host}:{proxy.target_port}"
    assert seen["encoding"] == "identity"  # so a fault can cut a plain body
    assert {c.name for c in reply.cookies} == {"session", "other"}
    got = _get(proxy, action="query", meta="siteinfo").json()
    assert got["method"] == "GET" and got["params"]["meta"] == "siteinfo"
    assert proxy.stats.passed == 2 and proxy.stats.faulted == 0


def test_keeps_a_connection_alive_across_requests(proxy):
    with requests.Session() as session:
        for n in range(5):
            assert session.get(proxy.url, params={"action": "query", "n": n},
                               timeout=5).json()["params"]["n"] == str(n)
    assert proxy.stats.requests == 5


# -- each fault, as the client sees it ----------------------------------------------------

@pytest.mark.parametrize("kind, expected", [
    ("drop", "connection-error"),
    ("http500", "http500"),
    ("http502", "http502"),
    ("http503", "http503"),
    ("malformed", "not-json"),
    ("truncated", "truncated"),
])
def test_fault_kind_is_what_the_client_sees(proxy, kind, expected):
    proxy.set_faults(Fault(kind))
    assert _outcome(lambda: _post(proxy, action="query", prop="info")) == expected
    assert proxy.stats.faulted == 1 and proxy.stats.by_kind[kind] == 1
    proxy.clear()
    assert _outcome(lambda: _post(proxy, action="query", prop="info")) == "ok"


def test_timeout_hangs_longer_than_the_client_waits(proxy):
    proxy.set_faults(Fault("timeout", hang=3))
    started = time.monotonic()
    assert _outcome(lambda: _get(proxy, timeout=0.5, action="query")) == "timeout"
    assert time.monotonic() - started < 2.5
    proxy.clear()
    assert _outcome(lambda: _get(proxy, action="query")) == "ok"


def test_maxlag_is_answered_as_mediawiki_does(proxy):
    proxy.set_faults(Fault("maxlag", lag=3))
    # MediaWiki checks lag only when the request asks for it.
    assert _outcome(lambda: _get(proxy, action="query", meta="siteinfo")) == "ok"
    reply = _get(proxy, action="query", prop="revisions", maxlag=30, formatversion=2)
    assert reply.status_code == 200
    assert reply.headers["MediaWiki-API-Error"] == "maxlag"
    assert reply.headers["Retry-After"] == "30"
    assert reply.headers["X-Database-Lag"] == "33"
    error = reply.json()["error"]
    assert (error["code"], error["lag"], error["type"]) == ("maxlag", 33, "db")
    assert "33 seconds lagged" in error["info"] and "docref" in error
    # A small maxlag still gets MediaWiki's minimum Retry-After, and formatversion 1 "*".
    reply = _get(proxy, action="query", maxlag=1)
    assert reply.headers["Retry-After"] == "5" and "*" in reply.json()["error"]


def test_readonly_refuses_writes_and_lets_reads_through(proxy):
    proxy.set_faults(Fault("readonly"))
    assert _outcome(lambda: _post(proxy, action="query", prop="revisions")) == "ok"
    reply = _post(proxy, action="edit", title="X", text="y", token="+\\")
    assert reply.headers["MediaWiki-API-Error"] == "readonly"
    assert reply.json()["error"]["code"] == "readonly"
    assert reply.json()["error"]["readonlyreason"]
    assert not any(s["params"].get("action") == "edit" for s in _StubApi.seen)


def test_forwarding_faults_reach_the_wiki_before_losing_the_reply(proxy):
    proxy.set_faults(Fault("drop", upstream=True, actions={"edit"}))
    assert _outcome(lambda: _post(proxy, action="edit", title="X")) == "connection-error"
    assert [s["params"]["action"] for s in _StubApi.seen] == ["edit"]
    proxy.set_faults(Fault("drop", actions={"edit"}))
    assert _outcome(lambda: _post(proxy, action="edit", title="X")) == "connection-error"
    assert len(_StubApi.seen) == 1  # without upstream the wiki never saw it


def test_hook_runs_before_the_request_is_forwarded(proxy):
    calls = []

    def hook(request: ApiRequest) -> None:
        calls.append((request.action, len(_StubApi.seen)))

    proxy.set_faults(Fault("hook", hook=hook, actions={"edit"}, limit=1))
    assert _outcome(lambda: _post(proxy, action="query")) == "ok"
    assert _outcome(lambda: _post(proxy, action="edit", title="X")) == "ok"
    assert _outcome(lambda: _post(proxy, action="edit", title="X")) == "ok"
    assert calls == [("edit", 1)]  # once, and before the wiki saw the edit
    assert proxy.stats.passed == 3 and proxy.stats.faulted == 0


# -- schedules ----------------------------------------------------------------------------

def _pattern(proxy: FaultProxy, n: int, **params) -> str:
    return "".join("F" if _outcome(lambda: _get(proxy, **params)) != "ok" else "."
                   for _ in range(n))


def test_every_nth_after_k_with_a_limit(proxy):
    proxy.set_faults(Fault("http500", every=3, after=2, limit=2))
    assert _pattern(proxy, 12, action="query") == "....F..F...."
    assert (proxy.stats.passed, proxy.stats.faulted) == (10, 2)


def test_probability_schedule_is_reproducible_from_its_seed(proxy):
    proxy.set_faults(Fault("http503", probability=0.4, seed=7))
    first = _pattern(proxy, 30, action="query")
    proxy.set_faults(Fault("http503", probability=0.4, seed=7))
    again = _pattern(proxy, 30, action="query")
    proxy.set_faults(Fault("http503", probability=0.4, seed=8))
    other = _pattern(proxy, 30, action="query")
    assert first == again and first != other
    assert 0 < first.count("F") < 30


def test_only_matching_action_and_prop_are_faulted_or_counted(proxy):
    proxy.set_faults(Fault("http502", every=2, actions={"query"}, props={"revisions"}))
    calls = [dict(action="query", prop="info"), dict(action="query", prop="revisions|info"),
             dict(action="parse"), dict(action="query", prop="revisions")]
    outcomes = [_outcome(lambda: _post(proxy, **c)) for c in calls * 2]
    # Matching requests are the 2nd and 4th of each round: every 2nd of them fails.
    assert outcomes == ["ok", "ok", "ok", "http502", "ok", "ok", "ok", "http502"]
    assert proxy.stats.by_action["query"] == 6 and proxy.stats.by_action["parse"] == 2


def test_first_firing_fault_wins_and_each_keeps_its_own_count(proxy):
    proxy.set_faults(Fault("http500", every=2), Fault("http503", every=3))
    seen = [_outcome(lambda: _get(proxy, action="query")) for _ in range(6)]
    assert seen == ["ok", "http500", "http503", "http500", "ok", "http500"]


def test_request_log_numbers_requests_in_order(proxy):
    proxy.set_faults(Fault("drop", after=1, limit=1))
    for _ in range(3):
        _outcome(lambda: _post(proxy, action="query", prop="revisions"))
    assert [(n, fault) for n, _, _, fault in proxy.stats.log] == [(1, ""), (2, "drop"), (3, "")]
    old = proxy.reset_stats()
    assert old.requests == 3 and proxy.stats.requests == 0


# -- parsing, validation, configuration ---------------------------------------------------

def test_request_params_reads_query_urlencoded_and_multipart():
    assert request_params("GET", "action=query&prop=info", "", b"") == {
        "action": "query", "prop": "info"}
    assert request_params("POST", "format=json", "application/x-www-form-urlencoded",
                          b"action=edit&title=A+B") == {
        "format": "json", "action": "edit", "title": "A B"}
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nupload\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n")
    assert request_params("POST", "", "multipart/form-data; boundary=XyZ", body) == {
        "action": "upload"}


@pytest.mark.parametrize("kwargs", [
    dict(kind="explode"), dict(kind="drop", every=0), dict(kind="drop", probability=1.5),
    dict(kind="hook"),
])
def test_invalid_faults_are_refused(kwargs):
    with pytest.raises(ValueError):
        Fault(**kwargs)


@pytest.mark.parametrize("target", ["http://example.org/w/api.php", "https://127.0.0.1/api.php",
                                    "http://10.0.0.1:8080/api.php"])
def test_refuses_targets_off_loopback(target):
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy(target)


def test_listens_on_loopback_only(proxy):
    assert proxy._server.server_address[0] == "127.0.0.1"
    assert proxy.url.startswith("http://127.0.0.1:") and proxy.url.endswith("/w/api.php")


def test_command_line_options_make_the_fault():
    args = build_parser().parse_args([
        "--target", "http://127.0.0.1:1/api.php", "--fault", "http503", "--every", "4",
        "--after", "2", "--limit", "3", "--action", "query", "--prop", "revisions",
        "--prop", "info"])
    fault = fault_from_args(args)
    assert (fault.kind, fault.every, fault.after, fault.limit) == ("http503", 4, 2, 3)
    assert fault.actions == {"query"} and fault.props == {"revisions", "info"}
    assert set(build_parser()._option_string_actions["--fault"].choices) == \
        set(FAULT_KINDS) - {"hook"}


def test_pywikibot_dir_points_families_at_the_proxy(tmp_path):
    source = tmp_path / "pwb"
    source.mkdir()
    (source / "user-config.py").write_text(
        "family_files['localpub'] = 'http://127.0.0.1:1111/api.php'\n"
        "usernames['localpub']['*'] = 'Watcher'\n"
        "family_files['localpriv'] = 'http://127.0.0.1:2222/api.php'\n"
        "max_retries = 2\n")
    (source / "user-password.py").write_text("('Watcher', BotPassword('nbh', 'x'))\n")
    (source / "scripts").symlink_to(tmp_path)
    (source / "apicache-py3").mkdir()
    dest = pywikibot_dir_via_proxies(
        source, tmp_path / "copy", {"http://127.0.0.1:1111/api.php": "http://127.0.0.1:9/api.php"},
        settings={"socket_timeout": (2, 3)}, family_modules=False)
    text = (dest / "user-config.py").read_text()
    assert "family_files['localpub'] = 'http://127.0.0.1:9/api.php'" in text
    assert "family_files['localpriv'] = 'http://127.0.0.1:2222/api.php'" in text
    assert "1111" not in text and "socket_timeout = (2, 3)" in text
    namespace: dict = {"family_files": {}, "usernames": {"localpub": {}}}
    exec(compile(text, "user-config.py", "exec"), namespace)  # still valid Python
    assert namespace["max_retries"] == 2
    assert (dest / "user-password.py").stat().st_mode & 0o777 == 0o600
    assert (dest / "scripts").resolve() == tmp_path.resolve()
    assert not (dest / "apicache-py3").exists()
    assert "1111" in (source / "user-config.py").read_text()  # the original is untouched
    with pytest.raises(ValueError, match="no family_files entry"):
        pywikibot_dir_via_proxies(source, tmp_path / "bad",
                                  {"http://127.0.0.1:3333/api.php": "http://127.0.0.1:9/"})


def test_counts_tell_matches_from_firings(proxy):
    proxy.set_faults(Fault("maxlag", every=10**6), Fault("http500", every=2, actions={"edit"}))
    _get(proxy, action="query", maxlag=5)
    _get(proxy, action="query")
    _post(proxy, action="edit", maxlag=5)
    (maxlag, m1, f1), (http500, m2, f2) = proxy.counts()
    assert (maxlag.kind, m1, f1) == ("maxlag", 2, 0)
    assert (http500.kind, m2, f2) == ("http500", 1, 0)


def test_pywikibot_dir_can_use_a_real_family_module(tmp_path):
    source = tmp_path / "pwb"
    source.mkdir()
    (source / "user-config.py").write_text(
        "family_files['localpub'] = 'http://127.0.0.1:1111/api.php'\n"
        "family_files['localpriv'] = 'http://127.0.0.1:2222/api.php'\n")
    dest = pywikibot_dir_via_proxies(source, tmp_path / "copy", {
        "http://127.0.0.1:1111/api.php": "http://127.0.0.1:9/w/api.php"})
    text = (dest / "user-config.py").read_text()
    assert "1111" not in text and "'localpub'] =" not in text
    assert "family_files['localpriv'] = 'http://127.0.0.1:2222/api.php'" in text
    namespace: dict = {"family_files": {}}
    exec(compile(text, "user-config.py", "exec"), namespace)
    assert namespace["user_families_paths"] == [str(dest / "families")]
    module = (dest / "families" / "localpub_family.py").read_text()
    assert "name = 'localpub'" in module and "domain = '127.0.0.1:9'" in module
    assert "return '/w'" in module
    compile(module, "localpub_family.py", "exec")


def test_params_filter_faults_only_requests_carrying_those_values(proxy):
    # As the fault suite uses it: only the mail to one of two recipients fails.
    proxy.set_faults(Fault("http500", actions={"emailuser"}, params={"target": "Admin Ada"}))
    calls = [dict(action="emailuser", target="Admin"), dict(action="emailuser", target="Admin Ada"),
             dict(action="query", target="Admin Ada"), dict(action="emailuser")]
    assert [_outcome(lambda: _post(proxy, **c)) for c in calls] == ["ok", "http500", "ok", "ok"]
    assert Fault("drop", params={"a": 1}) == Fault("drop", params=[("a", "1")])
    # None: the parameter must be absent (a bare siteinfo query, not Pywikibot's).
    proxy.set_faults(Fault("http503", params={"meta": "siteinfo", "siprop": None}))
    assert _outcome(lambda: _get(proxy, action="query", meta="siteinfo")) == "http503"
    assert _outcome(lambda: _get(proxy, action="query", meta="siteinfo",
                                 siprop="general")) == "ok"


def test_command_line_param_filter_needs_name_and_value():
    args = build_parser().parse_args(["--target", "http://127.0.0.1:1/api.php", "--fault",
                                      "drop", "--param", "target=Admin Ada"])
    assert fault_from_args(args).params == {("target", "Admin Ada")}
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--target", "http://127.0.0.1:1/api.php", "--param", "x"])


def test_family_module_reaches_a_wiki_through_a_proxy_under_another_name():
    module = family_module("faultpriv", "http://127.0.0.1:4242/w/api.php")
    namespace: dict = {}
    exec(compile(module, "faultpriv_family.py", "exec"), namespace)
    family = namespace["Family"]
    assert (family.name, family.domain) == ("faultpriv", "127.0.0.1:4242")
    assert family.scriptpath(None, "faultpriv") == "/w" and family.protocol(None, "x") == "http"
