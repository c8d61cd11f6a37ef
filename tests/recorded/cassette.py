"""Recording and replaying the watcher's API traffic with vcrpy.

Cassettes are recorded from the real local wiki (``python -m tests.recorded.cassette``),
never written by hand.  While recording, the wiki's loopback address is replaced by
a fixed placeholder host, and cookies, tokens and passwords are dropped, so a
cassette holds nothing secret and replays on any machine.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import vcr

HOST = "http://recorded-localwiki.invalid"
DIR = Path(__file__).resolve().parent / "cassettes"
_LOOPBACK = re.compile(r"^http://127\.0\.0\.1:\d+")
SECRET_PARAMS = ["lgpassword", "password", "lgtoken", "logintoken", "token", "csrftoken"]


def _scrub_request(request):
    request.uri = _LOOPBACK.sub(HOST, request.uri)
    for header in ("Cookie", "Authorization"):
        request.headers.pop(header, None)
    return request


def _scrub_response(response):
    for header in ("Set-Cookie", "set-cookie", "Host", "host"):
        response["headers"].pop(header, None)
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes):
        body = re.sub(rb"(https?:)?(//|\\/\\/)127\.0\.0\.1:\d+", HOST.encode(), body)
        # Personal data planted on the sample boards stays out of the repository,
        # as it would have to if a cassette were ever recorded from a real board.
        for secret in _planted():
            for form in (secret.encode(), secret.encode("unicode_escape")):
                body = body.replace(form, b"[redacted]")
        response["body"]["string"] = body
    return response


def _planted() -> tuple[str, ...]:
    """The fictional personal data planted on the sample boards (longest first)."""
    from bot.seed import load_expected

    found = [item["text"] for item in load_expected().private_strings
             if item.get("kind") == "personal-data"]
    return tuple(sorted(found, key=len, reverse=True))


def recorder(mode: str = "none") -> vcr.VCR:
    """A VCR that matches on method, path, query and body (the host is a placeholder)."""
    return vcr.VCR(
        cassette_library_dir=str(DIR), record_mode=mode,
        match_on=["method", "path", "query", "body"],
        filter_headers=["cookie", "set-cookie", "authorization"],
        filter_post_data_parameters=SECRET_PARAMS,
        filter_query_parameters=SECRET_PARAMS,
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )


def recorded_site(url: str = HOST + "/api.php"):
    """An anonymous Pywikibot site for the family ``recorded`` at *url*."""
    import pywikibot
    from pywikibot import config

    config.family_files["recorded"] = url
    return pywikibot.Site("recorded", "recorded")


BOARDS = ("harassment", "vandalism")


def run_backfill(site):
    """The recorded scenario: a first cycle with a 30-day backfill on two boards."""
    import dataclasses
    import tempfile
    from datetime import timedelta

    from bot.config import load_config
    from bot.store import Store
    from bot.watcher import BoardFetcher, watch_wiki

    wiki = load_config().wikis["localpub"]
    boards = tuple(b for b in wiki.boards if b.name in BOARDS)
    wiki = dataclasses.replace(wiki, boards=boards)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/recorded.sqlite")
        fetcher = BoardFetcher(site)
        events, _ = watch_wiki(fetcher, wiki, store, backfill=timedelta(days=30))
        return events, fetcher.requests


def record() -> None:
    """Start fresh local wikis with the initial sample boards and record the scenario."""
    import os
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bot.localwiki import LocalWikis
    from bot.seeding import apply_seed

    import tests.harness  # noqa: F401 - the same Pywikibot set-up the replaying tests get

    wikis = LocalWikis(tempfile.mkdtemp(prefix="nbh-record-"))
    wikis.start()
    apply_seed(wikis, phase="initial")
    os.environ["NBH_STATE_DIR"] = str(wikis.state_dir)
    name = "watch_backfill.yaml"
    (DIR / name).unlink(missing_ok=True)
    with recorder("all").use_cassette(name):
        # Site creation is recorded too: the replaying test creates its site the same way.
        events, requests = run_backfill(recorded_site(wikis.api_url("public")))
    wikis.stop(remove=True)
    print(f"recorded {requests} API requests, {len(events)} events into {DIR / name}")


if __name__ == "__main__":
    record()
