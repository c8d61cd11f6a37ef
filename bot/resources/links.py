"""Checking the links of the canonical source: dead links, redirects, timeouts.

A dead link on a page people read in distress is a real harm, so every resource's
``url`` and ``source`` is requested regularly: HEAD first (cheap), GET when a server
refuses HEAD; redirects are followed and reported; each request has a timeout and at
most *workers* run at once.  Results are plain data for the maintenance report; this
module decides nothing and edits nothing.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Sequence
from urllib.parse import urlsplit

import requests

from bot.resources.catalogue import Resource

USER_AGENT = "noticeboard-helper-linkcheck/0.1 (support resource list maintenance)"
# Statuses with which some servers answer HEAD although GET works.
_RETRY_WITH_GET = frozenset({400, 403, 405, 406, 501})


@dataclass(frozen=True)
class LinkResult:
    """What became of one URL.

    ``status`` is the final status after redirects (``None`` when no answer came);
    ``redirects`` the URLs that answered with a redirect, in order (the first is
    ``url`` itself when there was any);
    ``error`` one of ``timeout``, ``connection``, ``too-many-redirects``,
    ``invalid-url``, ``http-error`` (with detail after a colon), or ``None``;
    ``uses`` the (resource id, field) pairs that carry the URL.
    """

    url: str
    status: int | None
    final_url: str | None
    redirects: tuple[str, ...] = ()
    error: str | None = None
    method: str = "HEAD"
    elapsed: float = 0.0
    uses: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and self.status < 400

    @property
    def redirected(self) -> bool:
        return bool(self.redirects)

    @property
    def moved_elsewhere(self) -> bool:
        """Redirected to another site (``www.`` and letter case aside)."""
        return self.final_url is not None and _site(self.final_url) != _site(self.url)

    @property
    def downgraded(self) -> bool:
        """An https link that ends on plain http."""
        return (self.url.lower().startswith("https://") and self.final_url is not None
                and self.final_url.lower().startswith("http://"))


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _error_kind(exc: Exception) -> str:
    if isinstance(exc, requests.Timeout):
        return "timeout"
    if isinstance(exc, requests.TooManyRedirects):
        return "too-many-redirects"
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return "invalid-url"
    if isinstance(exc, requests.ConnectionError):
        return "connection"
    return f"http-error: {type(exc).__name__}"


def _request(session: requests.Session, method: str, url: str,
             timeout: float) -> requests.Response:
    response = session.request(method, url, allow_redirects=True, timeout=(timeout, timeout),
                               stream=True)
    response.close()  # the body is not needed; closing keeps slow bodies from hanging us
    return response


def check_url(url: str, *, timeout: float = 10.0, max_redirects: int = 10,
              user_agent: str = USER_AGENT, trust_env: bool = True,
              uses: Sequence[tuple[str, str]] = ()) -> LinkResult:
    """Request one URL (HEAD, then GET if HEAD is refused) and describe the outcome.

    *trust_env* False ignores proxy settings from the environment.
    """
    started = time.monotonic()
    session = requests.Session()
    session.trust_env = trust_env
    session.max_redirects = max_redirects
    session.headers["User-Agent"] = user_agent
    method = "HEAD"
    try:
        response = _request(session, "HEAD", url, timeout)
        if response.status_code in _RETRY_WITH_GET:
            method = "GET"
            response = _request(session, "GET", url, timeout)
    except (requests.RequestException, ValueError) as exc:
        return LinkResult(url=url, status=None, final_url=None, error=_error_kind(exc),
                          method=method, elapsed=time.monotonic() - started, uses=tuple(uses))
    finally:
        session.close()
    return LinkResult(url=url, status=response.status_code, final_url=response.url,
                      redirects=tuple(r.url for r in response.history),
                      method=method, elapsed=time.monotonic() - started, uses=tuple(uses))


def check_urls(urls: Iterable[str], *, timeout: float = 10.0, workers: int = 4,
               max_redirects: int = 10, user_agent: str = USER_AGENT,
               trust_env: bool = True,
               uses: dict[str, list[tuple[str, str]]] | None = None) -> list[LinkResult]:
    """Check each distinct URL once, at most *workers* at a time, in input order."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    unique = list(dict.fromkeys(urls))
    uses = uses or {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        futures = [pool.submit(check_url, url, timeout=timeout, max_redirects=max_redirects,
                               user_agent=user_agent, trust_env=trust_env,
                               uses=uses.get(url, ())) for url in unique]
        return [future.result() for future in futures]


def check_links(resources: Iterable[Resource], *, timeout: float = 10.0, workers: int = 4,
                **options: object) -> list[LinkResult]:
    """Check every resource's ``url`` and ``source``; each URL once, with its uses."""
    uses: dict[str, list[tuple[str, str]]] = {}
    for resource in resources:
        for field_name, url in (("url", resource.url), ("source", resource.source)):
            if url:
                uses.setdefault(url, []).append((resource.id, field_name))
    return check_urls(list(uses), timeout=timeout, workers=workers, uses=uses,
                      **options)  # type: ignore[arg-type]
