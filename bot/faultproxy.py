"""A fault-injecting reverse proxy in front of a local wiki's ``api.php``.

The fault-injection tests put this proxy between Pywikibot and a real local MediaWiki
and make it misbehave on a schedule, the way a real wiki farm sometimes does:

==============  ===========================================================================
kind            what the client sees
==============  ===========================================================================
``drop``        the connection closes without a reply
``timeout``     no reply for ``hang`` seconds, then the connection closes
``http500``     ``500 Internal Server Error`` (likewise ``http502``, ``http503``)
``maxlag``      MediaWiki's maxlag error: HTTP 200, ``MediaWiki-API-Error: maxlag``,
                ``Retry-After``, ``X-Database-Lag`` and the error JSON; only for requests
                that carry a ``maxlag`` parameter, as MediaWiki only checks those
``readonly``    MediaWiki's read-only error; only for write actions, since a read-only
                wiki still answers reads
``malformed``   HTTP 200 whose body is a PHP warning followed by half the real JSON
``truncated``   the real reply's headers, then half its body and a closed connection
``hook``        a callable runs first (e.g. a human edit between the bot's read and
                save), then the request is forwarded unchanged
==============  ===========================================================================

``malformed`` and ``truncated`` always forward the request first (the wiki did the
work, the reply is lost); ``drop``, ``timeout`` and ``http5xx`` do so with
``upstream=True``.  Which requests are faulted is a :class:`Fault` schedule: every
Nth matching request or a probability drawn from a seeded RNG, after the first
``after`` matching requests, at most ``limit`` times, only for requests whose
``action``/``prop`` match and which carry the given ``params`` values (e.g. only the
mail to one recipient: ``params={"target": "Admin Ada"}``; ``None``: the parameter is
absent).  Everything listens on and talks to 127.0.0.1 only.

Python::

    with FaultProxy(wikis.api_url("public")) as proxy:
        proxy.set_faults(Fault("http503", every=3, limit=2))
        ...  # point Pywikibot at proxy.url (see pywikibot_dir_via_proxies)
        proxy.stats.faulted

Command line::

    python -m bot.faultproxy --target http://127.0.0.1:8080/api.php --port 8099 \\
        --fault maxlag --every 2 --limit 5
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import http.client
import json
import random
import re
import shutil
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("drop", "timeout", "http500", "http502", "http503", "maxlag", "readonly",
               "malformed", "truncated", "hook")
# The API modules MediaWiki refuses on a read-only wiki (ApiBase::isWriteMode()).
WRITE_ACTIONS = frozenset({
    "edit", "move", "delete", "undelete", "protect", "rollback", "upload", "emailuser",
    "block", "unblock", "watch", "options", "purge", "revisiondelete", "import",
    "createaccount", "changecontentmodel", "managetags", "tag", "mergehistory",
})
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                         "proxy-authorization", "te", "trailer", "transfer-encoding",
                         "upgrade", "content-length", "host", "accept-encoding"})
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_STATUS_FAULTS = {"http500": 500, "http502": 502, "http503": 503}
_FORWARDING_FAULTS = frozenset({"malformed", "truncated", "hook"})


@dataclass(frozen=True)
class ApiRequest:
    """What the proxy knows of one API request: its method and parameters."""

    method: str
    params: Mapping[str, str]

    @property
    def action(self) -> str:
        return self.params.get("action", "")

    @property
    def props(self) -> frozenset[str]:
        return frozenset(p for p in self.params.get("prop", "").split("|") if p)


@dataclass(frozen=True)
class Fault:
    """One fault and the schedule it follows.

    A request *matches* when its action is in ``actions`` and one of its props is in
    ``props`` (an empty set matches anything), it carries every ``params`` name with
    that value (``None``: lacks it), and the kind applies to it (``maxlag``:
    the request asks for maxlag; ``readonly``: a write action).  Matching requests are
    numbered 1, 2, ...; after the first ``after`` of them, each is faulted when its
    number counted from ``after`` is a multiple of ``every`` or, with ``probability``,
    when the seeded RNG says so; at most ``limit`` faults in all.
    """

    kind: str
    every: int = 1
    probability: float | None = None
    seed: int = 0
    after: int = 0
    limit: int | None = None
    actions: frozenset[str] = frozenset()
    props: frozenset[str] = frozenset()
    params: frozenset[tuple[str, str | None]] = frozenset()  # (name, value); a dict will do
    hang: float = 5.0          # timeout: seconds without a reply
    lag: float = 7.0           # maxlag: seconds of lag reported beyond the allowed maxlag
    retry_after: int | None = None  # maxlag: None = MediaWiki's max(maxlag, 5) seconds
    upstream: bool = False     # drop/timeout/http5xx: forward first, then lose the reply
    hook: Callable[[ApiRequest], None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (one of {', '.join(FAULT_KINDS)})")
        if self.every < 1:
            raise ValueError("every must be 1 or more")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if self.kind == "hook" and self.hook is None:
            raise ValueError("a hook fault needs a hook callable")
        # Accept any iterable for the filters; keep them hashable and immutable.
        object.__setattr__(self, "actions", frozenset(self.actions))
        object.__setattr__(self, "props", frozenset(self.props))
        pairs = self.params.items() if isinstance(self.params, Mapping) else self.params
        object.__setattr__(self, "params", frozenset(
            (str(k), None if v is None else str(v)) for k, v in pairs))

    def applies_to(self, request: ApiRequest) -> bool:
        """Whether *request* matches this fault's filters and kind."""
        if self.actions and request.action not in self.actions:
            return False
        if self.props and not self.props & request.props:
            return False
        if any(request.params.get(name) != value for name, value in self.params):
            return False
        if self.kind == "maxlag":
            return "maxlag" in request.params
        if self.kind == "readonly":
            return request.method == "POST" and request.action in WRITE_ACTIONS
        return True


@dataclass
class ProxyStats:
    """Counts of what the proxy did since the last reset."""

    passed: int = 0
    faulted: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_action: Counter = field(default_factory=Counter)
    log: list[tuple[int, str, str, str]] = field(default_factory=list)  # n, action, prop, fault

    @property
    def requests(self) -> int:
        return self.passed + self.faulted


class _Schedule:
    """A :class:`Fault` with its counters and RNG."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.matched = 0
        self.fired = 0
        self.rng = random.Random(fault.seed)

    def fires(self, request: ApiRequest) -> bool:
        fault = self.fault
        if not fault.applies_to(request):
            return False
        self.matched += 1
        position = self.matched - fault.after
        if position <= 0 or (fault.limit is not None and self.fired >= fault.limit):
            return False
        if fault.probability is not None:
            hit = self.rng.random() < fault.probability
        else:
            hit = position % fault.every == 0
        self.fired += hit
        return hit


def _check_loopback(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in _LOOPBACK:
        raise ValueError(f"the proxy only fronts http:// wikis on loopback, not {url!r}")
    return parts.hostname, parts.port or 80, parts.path or "/"


def request_params(method: str, query: str, content_type: str, body: bytes) -> dict[str, str]:
    """The API parameters of a request: query string plus urlencoded or multipart body."""
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if method == "POST" and body:
        if content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if name and part.get_filename() is None:
                    params[name] = part.get_content() if part.get_content_maintype() == \
                        "text" else part.get_payload(decode=True).decode("utf-8", "replace")
        else:
            params.update({k: v[-1] for k, v in parse_qs(
                body.decode("utf-8", "replace"), keep_blank_values=True).items()})
    return params


def api_error_body(code: str, info: str, params: Mapping[str, str], **extra) -> bytes:
    """An API error as MediaWiki formats it (``docref`` in formatversion 2, else ``*``)."""
    error = {"code": code, "info": info, **extra}
    docref = ("See http://127.0.0.1/api.php for API usage. Subscribe to the mediawiki-api-"
              "announce mailing list for notice of API deprecations and breaking changes.")
    error["docref" if params.get("formatversion") in ("2", "latest") else "*"] = docref
    return json.dumps({"error": error, "servedby": "faultproxy"}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests expects of a wiki
    server: "_Server"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        pass  # the tests read counters, not access logs

    def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = urlsplit(self.path).query
        request = ApiRequest(self.command, request_params(
            self.command, query, self.headers.get("Content-Type", ""), body))
        fault = proxy._decide(request)
        if fault is None:
            self._reply(*self._forward(query, body))
            return
        kind = fault.kind
        if kind == "hook":
            fault.hook(request)
            self._reply(*self._forward(query, body))
        elif kind in _FORWARDING_FAULTS or fault.upstream:
            status, headers, payload = self._forward(query, body)
            if kind == "malformed":
                # What a PHP notice printed before the API output looks like.
                warning = (b"<br />\n<b>Warning</b>:  Undefined array key \"x\" in "
                           b"<b>/usr/share/mediawiki/includes/Foo.php</b> on line <b>42</b>"
                           b"<br />\n")
                self._reply(200, headers, warning + payload[:len(payload) // 2])
            elif kind == "truncated":
                self._reply(status, headers, payload, cut=max(1, len(payload) // 2))
            else:
                self._fail(kind, fault, request)
        else:
            self._fail(kind, fault, request)

    def _fail(self, kind: str, fault: Fault, request: ApiRequest) -> None:
        if kind == "drop":
            self._close()
        elif kind == "timeout":
            self.server.proxy._stopping.wait(fault.hang)
            self._close()
        elif kind in _STATUS_FAULTS:
            status = _STATUS_FAULTS[kind]
            text = http.client.responses[status]
            page = (f"<!DOCTYPE html><html><head><title>{status} {text}</title></head><body>"
                    f"<h1>{text}</h1><p>Our servers are currently under maintenance or "
                    f"experiencing a technical issue.</p></body></html>").encode()
            extra = [("Retry-After", "1")] if status == 503 else []
            self._reply(status, [("Content-Type", "text/html; charset=utf-8"), *extra], page)
        elif kind == "maxlag":
            allowed = float(request.params.get("maxlag") or 5)
            lag = int(allowed + fault.lag)
            headers = [("Content-Type", "application/json; charset=utf-8"),
                       ("MediaWiki-API-Error", "maxlag"),
                       ("Retry-After", str(max(int(allowed), 5) if fault.retry_after is None
                                           else fault.retry_after)),
                       ("X-Database-Lag", str(lag))]
            body = api_error_body("maxlag", f"Waiting for 127.0.0.1: {lag} seconds lagged.",
                                  request.params, host="127.0.0.1", lag=lag, type="db")
            self._reply(200, headers, body)
        elif kind == "readonly":
            headers = [("Content-Type", "application/json; charset=utf-8"),
                       ("MediaWiki-API-Error", "readonly")]
            body = api_error_body("readonly", "The wiki is currently in read-only mode.",
                                  request.params,
                                  readonlyreason="Database maintenance (fault injection).")
            self._reply(200, headers, body)
        else:  # pragma: no cover - Fault validates kinds
            raise AssertionError(kind)

    def _forward(self, query: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        proxy = self.server.proxy
        conn = http.client.HTTPConnection(proxy.target_host, proxy.target_port,
                                          timeout=proxy.upstream_timeout)
        path = proxy.target_path + (f"?{query}" if query else "")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Host"] = f"{proxy.target_host}:{proxy.target_port}"
        # Ask for an identity body, so a fault can cut it and the client can read it.
        headers["Accept-Encoding"] = "identity"
        try:
            conn.request(self.command, path, body=body if self.command == "POST" else None,
                         headers=headers)
            reply = conn.getresponse()
            payload = reply.read()
            return reply.status, [(k, v) for k, v in reply.getheaders()
                                  if k.lower() not in _HOP_BY_HOP], payload
        except OSError as exc:
            text = f"faultproxy: the wiki behind the proxy did not answer: {exc}".encode()
            return 502, [("Content-Type", "text/plain; charset=utf-8")], text
        finally:
            conn.close()

    def _reply(self, status: int, headers: Iterable[tuple[str, str]], body: bytes,
               cut: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if cut is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()
        if cut is not None:
            self._close()

    def _close(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: "FaultProxy"


class FaultProxy:
    """A threaded reverse proxy on 127.0.0.1 in front of *target* (an ``api.php`` URL)."""

    def __init__(self, target: str, *, port: int = 0, upstream_timeout: float = 60.0) -> None:
        self.target = target
        self.target_host, self.target_port, self.target_path = _check_loopback(target)
        self.upstream_timeout = upstream_timeout
        self._lock = threading.Lock()
        self._schedules: list[_Schedule] = []
        self._stopping = threading.Event()
        self.stats = ProxyStats()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.proxy = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The proxy's URL for the target's ``api.php``."""
        return f"http://127.0.0.1:{self.port}{self.target_path}"

    def start(self) -> "FaultProxy":
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.1},
                                            name=f"faultproxy:{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging ``timeout`` faults end at once."""
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- control ------------------------------------------------------------------
    def set_faults(self, *faults: Fault) -> None:
        """Replace the active faults (the first that fires on a request wins)."""
        with self._lock:
            self._schedules = [_Schedule(f) for f in faults]

    def clear(self) -> None:
        """No faults: pass everything through."""
        self.set_faults()

    def counts(self) -> list[tuple[Fault, int, int]]:
        """Each active fault with how many requests matched it and how often it fired."""
        with self._lock:
            return [(s.fault, s.matched, s.fired) for s in self._schedules]

    def reset_stats(self) -> ProxyStats:
        """Start counting afresh; return the counts so far."""
        with self._lock:
            old, self.stats = self.stats, ProxyStats()
        return old

    def _decide(self, request: ApiRequest) -> Fault | None:
        with self._lock:
            chosen = None
            for schedule in self._schedules:
                # Every schedule sees every request, so each keeps its own count.
                if schedule.fires(request) and chosen is None:
                    chosen = schedule.fault
            stats = self.stats
            if chosen is None or chosen.kind == "hook":
                stats.passed += 1
            if chosen is not None:
                if chosen.kind != "hook":
                    stats.faulted += 1
                stats.by_kind[chosen.kind] += 1
            stats.by_action[request.action or "?"] += 1
            if len(stats.log) < 10_000:
                stats.log.append((stats.requests, request.action,
                                  request.params.get("prop", ""),
                                  chosen.kind if chosen else ""))
            return chosen


_FAMILY_LINE = re.compile(r"^(family_files\[(['\"])(?P<family>[^'\"]+)\2\]\s*=\s*)(?P<url>.+)$",
                          re.MULTILINE)


_FAMILY_MODULE = """\
# Generated by bot.faultproxy: {name} reached through a fault-injecting proxy.
from pywikibot import family


class Family(family.SingleSiteFamily):
    name = {name!r}
    domain = {domain!r}

    def protocol(self, code):
        return 'http'

    def scriptpath(self, code):
        return {scriptpath!r}
"""


def family_module(name: str, api_url: str) -> str:
    """The source of a Pywikibot family module *name* for the wiki at *api_url*.

    Written to ``<name>_family.py`` and registered (``family_files[name] = path``), it
    lets a process that already uses a wiki directly also reach it through a proxy,
    under another family name.
    """
    parts = urlsplit(api_url)
    return _FAMILY_MODULE.format(name=name, domain=parts.netloc,
                                 scriptpath=parts.path.rsplit("/api.php", 1)[0])


def pywikibot_dir_via_proxies(source: str | Path, dest: str | Path,
                              proxies: Mapping[str, str], *,
                              settings: Mapping[str, object] | None = None,
                              family_modules: bool = True) -> Path:
    """Copy the Pywikibot directory *source* to *dest*, its wikis reached through proxies.

    *proxies* maps an ``api.php`` URL named in ``family_files`` to the proxy URL to use
    instead; *settings* are extra ``user-config.py`` assignments (e.g. a short
    ``socket_timeout``).  Only the configuration is copied: caches, cookies and logs
    start empty, so the copy cannot disturb the original.

    With *family_modules* a proxied wiki gets a real family module (as deployed bots
    use) instead of a ``family_files`` URL: Pywikibot treats a URL-made AutoFamily
    differently, giving up at the first non-JSON reply instead of retrying.
    """
    source, dest = Path(source), Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    config = (source / "user-config.py").read_text()
    replaced = set()

    def swap(match: re.Match) -> str:
        import ast

        url = ast.literal_eval(match["url"].strip())
        if url not in proxies:
            return match.group(0)
        replaced.add(url)
        if not family_modules:
            return f"{match.group(1)}{proxies[url]!r}"
        families.mkdir(exist_ok=True)
        (families / f"{match['family']}_family.py").write_text(
            family_module(match["family"], proxies[url]))
        return f"# {match['family']}: families/{match['family']}_family.py (proxied)"

    families = dest / "families"
    config = _FAMILY_LINE.sub(swap, config)
    if family_modules and replaced:
        config += "\nuser_families_paths = [{!r}]\n".format(str(families))
    missing = set(proxies) - replaced
    if missing:
        raise ValueError(f"{source / 'user-config.py'} has no family_files entry for "
                         f"{', '.join(sorted(missing))}")
    extra = "".join(f"{name} = {value!r}\n" for name, value in (settings or {}).items())
    (dest / "user-config.py").write_text(
        config.rstrip("\n") + "\n# Added by bot.faultproxy: this copy talks through "
        "fault-injecting proxies.\n" + extra)
    password = source / "user-password.py"
    if password.exists():
        shutil.copyfile(password, dest / "user-password.py")
        (dest / "user-password.py").chmod(0o600)
    scripts = source / "scripts"
    link = dest / "scripts"
    if scripts.is_symlink() and not link.exists():
        link.symlink_to(scripts.readlink())
    return dest


def _name_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not name or not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name, value


def fault_from_args(args: argparse.Namespace) -> Fault:
    """The :class:`Fault` the command-line options describe."""
    return Fault(args.fault, every=args.every, probability=args.probability, seed=args.seed,
                 after=args.after, limit=args.limit, actions=frozenset(args.action or ()),
                 props=frozenset(args.prop or ()),
                 params=frozenset(args.param or ()),
                 hang=args.hang, upstream=args.upstream)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.faultproxy",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="the wiki's api.php URL (loopback)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--fault", choices=[k for k in FAULT_KINDS if k != "hook"],
                        help="the fault to inject (none: a plain proxy)")
    parser.add_argument("--every", type=int, default=1, help="fault every Nth matching request")
    parser.add_argument("--probability", type=float, help="fault with this probability instead")
    parser.add_argument("--seed", type=int, default=0, help="RNG seed for --probability")
    parser.add_argument("--after", type=int, default=0, help="pass this many matching first")
    parser.add_argument("--limit", type=int, help="at most this many faults")
    parser.add_argument("--action", action="append", help="only this API action (repeatable)")
    parser.add_argument("--prop", action="append", help="only this prop (repeatable)")
    parser.add_argument("--param", action="append", metavar="NAME=VALUE", type=_name_value,
                        help="only requests with this parameter value (repeatable)")
    parser.add_argument("--hang", type=float, default=5.0, help="timeout: seconds to hang")
    parser.add_argument("--upstream", action="store_true",
                        help="drop/timeout/http5xx after the wiki has done the work")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a proxy until interrupted, printing its counts on the way out."""
    args = build_parser().parse_args(argv)
    try:
        proxy = FaultProxy(args.target, port=args.port)
        faults = [fault_from_args(args)] if args.fault else []
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    proxy.set_faults(*faults)
    proxy.start()
    print(f"proxy {proxy.url} -> {args.target}"
          + (f" ({args.fault})" if args.fault else ""), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()
        stats = proxy.stats
        print(f"{stats.requests} request(s): {stats.passed} passed, {stats.faulted} faulted "
              f"{dict(stats.by_kind)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
