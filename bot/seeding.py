"""Saving the sample boards (:mod:`bot.seed`) as real edits on the local wikis.

Each edit is saved by the account that "wrote" it (logged in with its password), or
anonymously from its documentation-range IP (sent as ``X-Forwarded-For``, which the
local wikis trust from loopback), so the revision history is as real as the boards'.
Applied edits are remembered in the state directory: seeding twice saves nothing.

This is test-harness code talking HTTP directly; the bot itself only ever writes
through Pywikibot and :mod:`bot.publish`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import requests

from bot.errors import SetupError
from bot.localwiki import USER_AGENT, LocalWikis
from bot.seed import Edit, Seed, load_seed


@dataclass
class _Session:
    """One account's (or one IP's) logged-in API session on one wiki."""

    api: str
    http: requests.Session = field(default_factory=requests.Session)
    token: str = ""

    def call(self, method: str, **params) -> dict:
        params["format"] = "json"
        params["formatversion"] = 2
        if method == "GET":
            reply = self.http.get(self.api, params=params, timeout=60)
        else:
            reply = self.http.post(self.api, data=params, timeout=60)
        reply.raise_for_status()
        data = reply.json()
        if "error" in data:
            raise SetupError(f"seeding: the wiki refused {params.get('action')}: "
                             f"{data['error'].get('code')}: {data['error'].get('info')}")
        return data


class Seeder:
    """Applies sample edits, remembering which are done."""

    def __init__(self, wikis: LocalWikis, seed: Seed | None = None) -> None:
        self.wikis = wikis
        self.seed = seed or load_seed()
        self._sessions: dict[tuple[str, str], _Session] = {}
        self._done_file = wikis.state_dir / "seeded.json"
        self.done: dict[str, int] = (json.loads(self._done_file.read_text())
                                     if self._done_file.exists() else {})

    def session(self, wiki: str, user: str, anonymous: bool) -> _Session:
        key = (wiki, user)
        if key in self._sessions:
            return self._sessions[key]
        session = _Session(self.wikis.api_url(wiki))
        session.http.headers["User-Agent"] = USER_AGENT
        if anonymous:
            session.http.headers["X-Forwarded-For"] = user
        else:
            login_token = session.call("GET", action="query", meta="tokens",
                                       type="login")["query"]["tokens"]["logintoken"]
            result = session.call("POST", action="clientlogin", username=user,
                                  password=self.wikis.password(user),
                                  loginreturnurl=self.wikis.url(wiki) + "/",
                                  logintoken=login_token)["clientlogin"]
            if result["status"] != "PASS":
                raise SetupError(f"seeding: {user} cannot log in to the {wiki} wiki: "
                                 f"{result.get('message')}")
        session.token = session.call("GET", action="query", meta="tokens")[
            "query"]["tokens"]["csrftoken"]
        self._sessions[key] = session
        return session

    def apply(self, edit: Edit) -> bool:
        """Save one sample edit unless it was saved before; True when saved now."""
        if edit.key in self.done:
            return False
        session = self.session(edit.wiki, edit.user, edit.is_anonymous)
        if edit.is_block:
            session.call("POST", action="block", user=edit.target, expiry=edit.expiry,
                         reason=edit.reason or "", token=session.token)
            revid = 0
        else:
            text = self.seed.text_after(edit)
            params = dict(action="edit", title=edit.page, text=text,
                          summary=edit.summary or "", token=session.token)
            if edit.op == "create-page":
                params["createonly"] = 1
            result = session.call("POST", **params)["edit"]
            if result.get("result") != "Success":
                raise SetupError(f"seeding: edit {edit.key} was not saved: {result}")
            revid = int(result.get("newrevid") or 0)
        self.done[edit.key] = revid
        self._done_file.write_text(json.dumps(self.done, indent=0))
        return True


def apply_seed(wikis: LocalWikis, *, phase: str = "initial") -> int:
    """Save every sample edit of *phase* not saved yet; return how many were saved."""
    seeder = Seeder(wikis)
    phases = ("initial",) if phase == "initial" else ("initial", phase)
    return sum(seeder.apply(edit) for p in phases for edit in seeder.seed.edits_in(p))
