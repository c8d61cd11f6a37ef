"""Demo seed data: the sample noticeboards and their history, loaded and checked.

The files live in ``bot/data/seed/`` and are validated against ``seed.schema.json``:

``accounts.yaml``
    Every account of the demo wikis: ``name`` (as MediaWiki stores it), ``role``
    (``bot`` | ``admin`` | ``user``), ``wiki`` (``public`` | ``private`` | ``both``) and
    ``signature``, the wikitext the account signs with before the timestamp.
``templates/*.wikitext``
    Wiki templates; ``Archive_top.wikitext`` becomes ``Template:Archive top``. Each is one
    ``create-page`` edit, saved as configured under ``templates:`` in ``pages.yaml``, in
    file-name order, one minute apart.
``pages.yaml``
    Other pages (the bot's run pages, the bot-exclusion test pages) as edits.
``boards.yaml``
    The boards: ``key``, ``kind``, ``page``, ``wiki``, ``archive``, a ``header`` (the
    page's first revision) and an ordered list of ``edits``.
``expected.yaml``
    What a correct watcher should find; read with :func:`load_expected`.

An edit has ``op``, ``user`` (an account name or an IP address from the documentation
ranges 192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32), ``wiki``, ``phase`` (``initial``:
saved before the bot's first cycle; ``later``: saved between demo cycles), ``summary``,
an optional ``page`` (default: the board's page) and an optional ``at`` (nominal UTC time;
default: the newest signature timestamp the edit adds). Operations, on the text ``T``:

``create-page`` (text)
    The page must not exist; its text becomes ``text``.
``new-section`` (heading, text)
    ``T + "\\n\\n== heading ==\\n\\ntext"``, exactly what MediaWiki's ``section=new`` saves
    (just the section when the page is missing).
``append-to-section`` (heading, text)
    ``text`` on a new line at the end of that thread (a thread ends before the next
    heading of the same or a higher level, so subsections are inside it).
``wrap-section`` (heading, before, after?)
    A closure: ``before`` on the line after the heading, ``after`` on the thread's last line.
``replace-text`` (old, new)
    ``old`` must occur exactly once.
``remove-section`` (heading)
    The thread and its subsections go.
``archive-section`` (page, source, heading, header?)
    Copies the thread from ``source`` to the end of ``page`` (the archive); ``header`` is the
    archive's first text and is given exactly when the archive does not exist yet. The
    paired ``remove-section`` follows and its summary must link the archive.
``remove-line`` (line)
    Removes the one line containing ``line`` and the reply lines (``*:``, ``:``, ``**``)
    right under it, as a vandalism-board clerk does.
``block`` (target, expiry, reason)
    A real block by an admin; no page changes. A blocked user saves nothing afterwards.

``forged_as`` marks an edit whose signature imitates another account. Page texts carry no
trailing whitespace (MediaWiki trims it on save) and no ``~~~``, ``subst:`` or pipe
tricks, so the text the harness saves is exactly the text stored: ``Seed.text_after(edit)``
is the whole page to save for each edit, and the expected revision text afterwards.

The global order of edits is phase, then ``at``, then file order (templates, pages, then
boards as listed); within one board's list ``at`` must increase. ``load_seed`` also
checks that users exist (or are documentation IPs) on the edit's wiki, that every
signature timestamp belongs to the saving account (or to ``forged_as``) with that
account's exact signature, that sections a thread edit targets exist at that point of the
history, that threads on each page start in time order, and that no real-looking data
(IPs, phone numbers, e-mail addresses, web sites) outside reserved ranges appears.

Replaying (the harness): for each ``edit`` in ``seed.edits`` of a phase, either block
(``edit.is_block``) or save ``seed.text_after(edit)`` to ``edit.page`` on ``edit.wiki``
as ``edit.user`` with ``edit.summary``. Anonymous edits (``edit.is_anonymous``) need the
wiki to trust the loopback proxy (``$wgCdnServers = ['127.0.0.1'];``) and an
``X-Forwarded-For`` header with the IP. One save blanks a page (an admin removing
personal data). Every text was checked to be stored unchanged by MediaWiki 1.39.
"""

from __future__ import annotations

import ipaddress
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from bot.datafiles import read_schema, read_yaml, validate
from bot.errors import DataError
from bot.usernames import canonical_user_name, is_ip  # noqa: F401 (re-exported)

SEED_DIR = Path(__file__).parent / "data" / "seed"
PHASES = ("initial", "later")
DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "2001:db8::/32")
)
PAGE_OPS = frozenset({
    "create-page", "new-section", "append-to-section", "wrap-section", "replace-text",
    "remove-section", "archive-section", "remove-line",
})

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
TIMESTAMP_RE = re.compile(
    r"\b(\d{2}):(\d{2}), (\d{1,2}) (" + "|".join(_MONTHS) + r") (\d{4}) \(UTC\)")
_USER_LINK_RE = re.compile(
    r"\[\[\s*(?:user(?:[ _]talk)?\s*:\s*([^|\]/#]+)|special\s*:\s*contributions\s*/\s*([^|\]]+))",
    re.IGNORECASE)
_UNSIGNED_RE = re.compile(r"\{\{\s*unsigned\s*\|[^{}]*\}\}", re.IGNORECASE)
_HEADING_RE = re.compile(r"^(={1,6})(.+?)\1[ \t]*$", re.MULTILINE)
_NOWIKI_RE = re.compile(r"<nowiki>.*?</nowiki>", re.DOTALL)
_IP_MENTION_RE = re.compile(
    r"(?:Special:Contributions/|\{\{\s*IPvandal\s*\|\s*|User talk:)"
    r"([0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]+)")
_URL_HOST_RE = re.compile(r"https?://([^/\s\]|]+)")
_EMAIL_RE = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_PHONE_TAIL_RE = re.compile(r"\b\d{3}-\d{4}\b")
_REPLY_PREFIXES = ("*:", ":", "**")


# --------------------------------------------------------------------------- data types

@dataclass(frozen=True)
class Account:
    """An account the harness creates on one or both wikis."""

    name: str
    role: str
    wiki: str
    signature: str | None
    note: str = ""

    def exists_on(self, wiki: str) -> bool:
        """Whether the account exists on ``wiki`` ("public" or "private")."""
        return self.wiki in (wiki, "both")


@dataclass(frozen=True)
class Board:
    """A seeded noticeboard."""

    key: str
    kind: str
    page: str
    wiki: str
    archive: str | None


@dataclass(frozen=True)
class TemplatePage:
    """A wiki template read from ``templates/*.wikitext``."""

    title: str
    text: str
    file: str


@dataclass(frozen=True)
class Edit:
    """One step of the seeded history: a page save by ``user``, or a block."""

    seq: int
    key: str
    group: str
    op: str
    wiki: str
    page: str | None
    user: str
    phase: str
    at: datetime
    summary: str | None
    forged_as: str | None = None
    heading: str | None = None
    text: str | None = None
    old: str | None = None
    new: str | None = None
    before: str | None = None
    after: str | None = None
    line: str | None = None
    source: str | None = None
    header: str | None = None
    target: str | None = None
    expiry: str | None = None
    reason: str | None = None
    origin: str = field(default="", compare=False, repr=False)

    @property
    def is_anonymous(self) -> bool:
        """Whether the edit is saved logged out, from the IP in ``user``."""
        return is_ip(self.user)

    @property
    def is_block(self) -> bool:
        """Whether this step is a block rather than a page save."""
        return self.op == "block"


@dataclass(frozen=True)
class Seed:
    """The loaded seed: accounts, boards, templates and every edit in global order."""

    accounts: tuple[Account, ...]
    boards: tuple[Board, ...]
    templates: tuple[TemplatePage, ...]
    edits: tuple[Edit, ...]
    texts_after: tuple[str | None, ...] = field(repr=False)

    def account(self, name: str) -> Account | None:
        """The account called ``name`` (any spelling MediaWiki would accept), or None."""
        wanted = canonical_user_name(name)
        return next((a for a in self.accounts if a.name == wanted), None)

    def board(self, key: str) -> Board:
        """The board with ``key``; KeyError when there is none."""
        for board in self.boards:
            if board.key == key:
                return board
        raise KeyError(key)

    def edits_in(self, phase: str) -> tuple[Edit, ...]:
        """The edits of one phase, in global order."""
        return tuple(e for e in self.edits if e.phase == phase)

    def text_after(self, edit: Edit) -> str | None:
        """The whole text of ``edit.page`` once ``edit`` is saved (None for a block)."""
        return self.texts_after[edit.seq]

    def page_text_after(self, page: str, n_edits: int, wiki: str = "public") -> str | None:
        """The text of ``page`` after the first ``n_edits`` edits (None if not created)."""
        text = None
        for edit in self.edits[:n_edits]:
            if edit.page == page and edit.wiki == wiki and not edit.is_block:
                text = self.texts_after[edit.seq]
        return text

    def page_text_after_phase(self, page: str, phase: str, wiki: str = "public") -> str | None:
        """The text of ``page`` once every edit of ``phase`` and earlier phases is saved."""
        last = PHASES.index(phase)
        count = sum(1 for e in self.edits if PHASES.index(e.phase) <= last)
        return self.page_text_after(page, count, wiki)

    def simulate(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Every page's revision texts in order, keyed by ``(wiki, title)``."""
        revisions: dict[tuple[str, str], list[str]] = {}
        for edit in self.edits:
            if not edit.is_block:
                revisions.setdefault((edit.wiki, edit.page), []).append(self.texts_after[edit.seq])
        return {key: tuple(texts) for key, texts in revisions.items()}


@dataclass(frozen=True)
class ExpectedThread:
    """A thread a correct watcher must find, with who opened it and how it ended."""

    board: str
    heading: str
    reporter: str
    signed_as: str | None
    opened_in: str
    subjects: tuple[str, ...]
    categories: tuple[str, ...]
    emergency: bool
    closed_in: str | None
    closed_by: str | None
    closure: str | None
    outcome: str | None
    archived_in: str | None
    comments_later: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class ExpectedVandalReport:
    """A line on the vandalism board, and whether and why it was removed."""

    board: str
    target: str
    reporter: str
    opened_in: str
    removed_in: str | None
    removed_by: str | None
    outcome: str | None
    note: str = ""


@dataclass(frozen=True)
class ExpectedReporter:
    """A reporter's history and the phase after which the bot should flag them (or None)."""

    name: str
    reports: Mapping[str, int]
    outcomes: Mapping[str, int]
    flag_after: str | None
    forum_shopping: tuple[Mapping[str, str], ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Expected:
    """Everything ``expected.yaml`` promises about the seed."""

    threads: tuple[ExpectedThread, ...]
    vandal_reports: tuple[ExpectedVandalReport, ...]
    reporters: tuple[ExpectedReporter, ...]
    forged_signatures: tuple[Mapping[str, str], ...]
    unsigned: tuple[Mapping[str, str], ...]
    private_strings: tuple[Mapping[str, str], ...]
    bot_exclusion: tuple[Mapping[str, Any], ...]
    run_pages: tuple[Mapping[str, str], ...]

    def never_public(self) -> tuple[str, ...]:
        """Strings no page or summary the bot writes to a public wiki may contain."""
        return tuple(item["text"] for item in self.private_strings)


# --------------------------------------------------------------------------- names and wikitext

def parse_timestamp(match: re.Match[str]) -> datetime:
    """The UTC datetime of a signature timestamp matched by ``TIMESTAMP_RE``."""
    hour, minute, day, month, year = match.groups()
    return datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute),
                    tzinfo=timezone.utc)


def _timestamps(text: str) -> list[datetime]:
    return [parse_timestamp(m) for m in TIMESTAMP_RE.finditer(text)]


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(offset, level, heading text) of every heading line."""
    return [(m.start(), len(m.group(1)), m.group(2).strip()) for m in _HEADING_RE.finditer(text)]


class _OpError(Exception):
    """An operation does not apply to the page text at that point of the history."""


def _section_span(text: str, heading: str) -> tuple[int, int]:
    headings = _headings(text)
    found = [i for i, (_, _, title) in enumerate(headings) if title == heading]
    if not found:
        raise _OpError(f"no section headed '{heading}' exists at that point")
    if len(found) > 1:
        raise _OpError(f"{len(found)} sections are headed '{heading}'")
    start, level, _ = headings[found[0]]
    end = next((off for off, lvl, _ in headings[found[0] + 1:] if lvl <= level), len(text))
    return start, end


def _join(head: str, middle: str, rest: str) -> str:
    parts = [p for p in (head.rstrip(), middle.strip("\n"), rest.strip("\n")) if p]
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- operations

def _apply(edit: Edit, text: str | None) -> str:
    """The page text after ``edit``; raises _OpError when it cannot apply."""
    op = edit.op
    if op == "create-page":
        if text is not None:
            raise _OpError("the page already exists")
        return edit.text.rstrip()
    if op == "new-section":
        section = f"== {edit.heading} ==\n\n{edit.text.rstrip()}"
        return f"{text}\n\n{section}" if text and text.strip() else section
    if text is None:
        raise _OpError("the page does not exist at that point")
    if op == "replace-text":
        count = text.count(edit.old)
        if count != 1:
            raise _OpError(f"the old text occurs {count} times instead of once")
        return text.replace(edit.old, edit.new).rstrip()
    if op == "remove-line":
        lines = text.split("\n")
        hits = [i for i, line in enumerate(lines) if edit.line in line]
        if len(hits) != 1:
            raise _OpError(f"the line text occurs on {len(hits)} lines instead of one")
        end = hits[0] + 1
        while end < len(lines) and lines[end].startswith(_REPLY_PREFIXES):
            end += 1
        return "\n".join(lines[:hits[0]] + lines[end:]).rstrip()
    start, end = _section_span(text, edit.heading)
    head, section, rest = text[:start], text[start:end], text[end:]
    if op == "append-to-section":
        return _join(head, section.rstrip() + "\n" + edit.text.rstrip(), rest)
    if op == "wrap-section":
        heading_line, _, body = section.partition("\n")
        wrapped = heading_line + "\n" + edit.before
        body = body.strip("\n").rstrip()
        if body:
            wrapped += "\n" + body
        if edit.after:
            wrapped += "\n" + edit.after
        return _join(head, wrapped, rest)
    if op == "remove-section":
        return _join(head, "", rest)
    raise AssertionError(op)


def _apply_archive(edit: Edit, archive: str | None, source: str | None) -> str:
    if source is None:
        raise _OpError(f"the source page '{edit.source}' does not exist")
    start, end = _section_span(source, edit.heading)
    section = source[start:end].rstrip()
    if archive is None:
        if not edit.header:
            raise _OpError("the archive page is new, so a header is required")
        return edit.header.rstrip() + "\n\n" + section
    if edit.header:
        raise _OpError("the archive page exists, so header must be left out")
    return archive.rstrip() + "\n\n" + section


# --------------------------------------------------------------------------- loading

def _read_yaml(path: Path) -> Any:
    return read_yaml(path, "seed file")


def _schema(directory: Path) -> dict[str, Any]:
    return read_schema(str(directory / "seed.schema.json"))


def _validate(data: Any, definition: str, schema: Mapping[str, Any], file: str) -> None:
    validate(data, schema, file, definition)


def _parse_at(value: str) -> datetime:
    fmt = "%Y-%m-%dT%H:%M:%SZ" if value.count(":") == 2 else "%Y-%m-%dT%H:%MZ"
    return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc)


def _edit_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    names = ("forged_as", "heading", "text", "old", "new", "before", "after", "line", "source",
             "header", "target", "expiry", "reason")
    return {name: raw.get(name) for name in names}


def _added_text(edit: Edit) -> str:
    """The wikitext an edit adds (for signature and timestamp checks)."""
    if edit.op in ("create-page", "append-to-section"):
        return edit.text
    if edit.op == "new-section":
        return f"{edit.heading}\n{edit.text}"
    if edit.op == "wrap-section":
        return f"{edit.before}\n{edit.after or ''}"
    if edit.op == "replace-text":
        return edit.new
    return ""


def _new_timestamps(edit: Edit) -> list[tuple[str, int, datetime, bool]]:
    """(added text, offset, time, inside {{unsigned}}) for each timestamp the edit adds."""
    added = _added_text(edit)
    unsigned = [m.span() for m in _UNSIGNED_RE.finditer(added)]
    old = edit.old or ""
    found = []
    for match in TIMESTAMP_RE.finditer(added):
        if match.group(0) in old:
            continue
        inside = any(a <= match.start() < b for a, b in unsigned)
        found.append((added, match.start(), parse_timestamp(match), inside))
    return found


def _fail(edit: Edit, message: str) -> DataError:
    return DataError(f"{edit.origin}: {message}.")


_RawEdit = tuple[dict[str, Any], str, str, int]


def _raw_edits(directory: Path, schema: Mapping[str, Any]
               ) -> tuple[list[Board], list[TemplatePage], list[_RawEdit]]:
    """Boards, templates and (raw edit, group, origin, index) in file order."""
    pages = _read_yaml(directory / "pages.yaml")
    _validate(pages, "pagesFile", schema, "pages.yaml")
    boards_data = _read_yaml(directory / "boards.yaml")
    _validate(boards_data, "boardsFile", schema, "boards.yaml")

    raws: list[_RawEdit] = []
    templates = []
    defaults = pages["templates"]
    base = _parse_at(defaults["at"])
    for index, path in enumerate(sorted((directory / "templates").glob("*.wikitext"))):
        title = "Template:" + path.stem.replace("_", " ")
        text = path.read_text(encoding="utf-8").rstrip()
        templates.append(TemplatePage(title=title, text=text, file=path.name))
        at = (base + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%MZ")
        raws.append(({"op": "create-page", "page": title, "text": text, "at": at,
                      **{k: defaults[k] for k in ("user", "wiki", "phase", "summary")}},
                     "templates", f"templates/{path.name}", index))
    for index, raw in enumerate(pages["pages"]):
        raws.append((dict(raw), "pages", f"pages.yaml: pages[{index}] ({raw['page']})", index))

    boards = []
    keys = set()
    for board_index, raw_board in enumerate(boards_data["boards"]):
        board = Board(key=raw_board["key"], kind=raw_board["kind"], page=raw_board["page"],
                      wiki=raw_board["wiki"], archive=raw_board["archive"])
        if board.key in keys:
            raise DataError(f"boards.yaml: entry boards[{board_index}], field 'key': "
                            f"'{board.key}' is used by two boards.")
        keys.add(board.key)
        boards.append(board)
        header = {"op": "create-page", "page": board.page, **raw_board["header"]}
        raws.append((header, board.key, f"boards.yaml: board '{board.key}' header", 0))
        for index, raw in enumerate(raw_board["edits"], start=1):
            raw = dict(raw)
            if raw["op"] != "block":
                raw.setdefault("page", board.page)
            origin = (f"boards.yaml: board '{board.key}' edits[{index - 1}] "
                      f"({raw['user']}, {raw['op']})")
            raws.append((raw, board.key, origin, index))
    return boards, templates, raws


def _build_edits(raws: list[_RawEdit], groups: list[str]) -> list[Edit]:
    """Edits with ``at`` resolved, sorted into global order and numbered."""
    edits = []
    for raw, group, origin, index in raws:
        edit = Edit(seq=-1, key=f"{group}:{index}", group=group, op=raw["op"], wiki=raw["wiki"],
                    page=raw.get("page"), user=raw["user"], phase=raw["phase"],
                    at=datetime.min.replace(tzinfo=timezone.utc), summary=raw.get("summary"),
                    origin=origin, **_edit_fields(raw))
        stamps = [when for _, _, when, _ in _new_timestamps(edit)]
        if "at" in raw:
            at = _parse_at(raw["at"])
            if stamps and max(stamps) > at:
                raise _fail(edit, f"field 'at' ({raw['at']}) is earlier than a signature "
                                  f"timestamp the edit adds ({max(stamps):%Y-%m-%dT%H:%MZ})")
        elif stamps:
            at = max(stamps)
        else:
            raise _fail(edit, "field 'at' is required because the edit adds no signature timestamp")
        edits.append(replace(edit, at=at))

    previous: dict[str, Edit] = {}
    for edit in edits:
        before = previous.get(edit.group)
        if before is not None and edit.at <= before.at:
            raise _fail(edit, f"field 'at': {edit.at:%Y-%m-%dT%H:%M:%SZ} is not after the "
                              f"previous edit of '{edit.group}' ({before.at:%Y-%m-%dT%H:%M:%SZ})")
        previous[edit.group] = edit
    initial = [e.at for e in edits if e.phase == "initial"]
    for edit in edits:
        if edit.phase == "later" and initial and edit.at <= max(initial):
            raise _fail(edit, "field 'at': a later-phase edit must come after every initial edit")

    order = sorted(range(len(edits)), key=lambda i: (
        PHASES.index(edits[i].phase), edits[i].at, groups.index(edits[i].group), i))
    return [replace(edits[i], seq=seq) for seq, i in enumerate(order)]


# --------------------------------------------------------------------------- checks

def _check_identity(edit: Edit, accounts: Mapping[str, Account], blocked: set[str]) -> None:
    user = canonical_user_name(edit.user)
    if is_ip(edit.user):
        if not any(ipaddress.ip_address(edit.user) in net for net in DOCUMENTATION_NETWORKS):
            raise _fail(edit, f"field 'user': {edit.user} is not in a documentation range")
        if edit.wiki != "public":
            raise _fail(edit, "field 'user': anonymous edits exist only on the public wiki")
    else:
        account = accounts.get(user)
        if account is None:
            raise _fail(edit, f"field 'user': no account '{edit.user}' in accounts.yaml")
        if not account.exists_on(edit.wiki):
            raise _fail(edit, f"field 'user': '{user}' has no account on the {edit.wiki} wiki")
        if edit.is_block and account.role != "admin":
            raise _fail(edit, f"field 'user': '{user}' is not an admin and cannot block")
    if user in blocked:
        raise _fail(edit, f"field 'user': '{user}' is blocked at that point and cannot edit")
    if edit.is_block:
        target = canonical_user_name(edit.target)
        if not is_ip(target) and target not in accounts:
            raise _fail(edit, f"field 'target': no account '{edit.target}' in accounts.yaml")
        blocked.add(target)


def _expected_signature(name: str, accounts: Mapping[str, Account]) -> str | None:
    if is_ip(name):
        return f"[[Special:Contributions/{name}|{name}]] ([[User talk:{name}|talk]])"
    account = accounts.get(canonical_user_name(name))
    return account.signature if account else None


def _check_signatures(edit: Edit, accounts: Mapping[str, Account]) -> None:
    signer = edit.forged_as or edit.user
    wanted = canonical_user_name(signer)
    if edit.forged_as and canonical_user_name(edit.forged_as) not in accounts:
        raise _fail(edit, f"field 'forged_as': no account '{edit.forged_as}' in accounts.yaml")
    signature = _expected_signature(signer, accounts)
    signed = False
    for added, offset, _, inside_unsigned in _new_timestamps(edit):
        if inside_unsigned:
            continue
        line_start = added.rfind("\n", 0, offset) + 1
        links = list(_USER_LINK_RE.finditer(added, line_start, offset))
        stamp = TIMESTAMP_RE.match(added, offset).group(0)
        if not links:
            raise _fail(edit, f"the timestamp '{stamp}' has no user link before it on its line")
        owner = canonical_user_name(links[-1].group(1) or links[-1].group(2))
        if owner != wanted:
            raise _fail(edit, f"the signature at '{stamp}' belongs to '{owner}', not to "
                              f"'{wanted}' who {'forges it' if edit.forged_as else 'saves it'}")
        if signature is None or f"{signature} {stamp}" not in added:
            raise _fail(edit, f"the signature at '{stamp}' does not use the exact signature of "
                              f"'{wanted}' from accounts.yaml")
        signed = True
    if edit.forged_as and not signed:
        raise _fail(edit, "field 'forged_as' is set but the edit adds no signature")


def _check_clean(edit: Edit) -> None:
    """Text the server would rewrite on save, or data that could be real, is refused."""
    texts = [t for t in (edit.text, edit.new, edit.before, edit.after, edit.header,
                         edit.heading) if t]
    for text in texts:
        outside_nowiki = _NOWIKI_RE.sub("", text)
        if "~~~" in outside_nowiki:
            raise _fail(edit, "the text contains ~~~ outside <nowiki>; write the signature out")
        if re.search(r"\{\{\s*(safe)?subst:", text, re.IGNORECASE) or "|]]" in text:
            raise _fail(edit, "the text uses subst: or a pipe trick, which the server rewrites")
        if not unicodedata.is_normalized("NFC", text):
            raise _fail(edit, "the text is not in Unicode NFC form, which MediaWiki would change")
        if "\r" in text or "\t" in text:
            raise _fail(edit, "the text has tabs or carriage returns")
    for text in texts + [edit.summary or "", edit.target or ""]:
        mentions = [m.group(1) for m in _IP_MENTION_RE.finditer(text)]
        if edit.target and is_ip(edit.target):
            mentions.append(edit.target)
        for mention in mentions:
            if is_ip(mention) and not any(ipaddress.ip_address(mention) in net
                                          for net in DOCUMENTATION_NETWORKS):
                raise _fail(edit, f"the IP {mention} is not in a documentation range")
        for host in _URL_HOST_RE.findall(text) + _EMAIL_RE.findall(text):
            host = host.lower()
            if not (host.endswith(".example") or re.search(r"(^|\.)example\.(org|com|net)$", host)):
                raise _fail(edit, f"the address {host} is not a reserved example domain")
        for tail in _PHONE_TAIL_RE.findall(text):
            if not re.fullmatch(r"555-01\d\d", tail):
                raise _fail(edit, f"the number {tail} is not in the fictional 555-01xx range")


def _check_thread_order(edit: Edit, text: str) -> None:
    """Threads (level-2 sections) on a page must start in time order."""
    headings = [(off, lvl) for off, lvl, _ in _headings(text) if lvl <= 2]
    previous = None
    for i, (offset, _) in enumerate(headings):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        stamps = _timestamps(text[offset:end])
        if not stamps:
            continue
        # The oldest stamp, not the first: a closure box above the opening post is newer.
        opened = min(stamps)
        if previous is not None and opened < previous:
            raise _fail(edit, f"after this edit, a thread on '{edit.page}' starts "
                              f"({opened:%Y-%m-%d %H:%M}) before the thread above it")
        previous = opened


def _simulate(edits: list[Edit], accounts: Mapping[str, Account]) -> list[str | None]:
    pages: dict[tuple[str, str], str | None] = {}
    archived: dict[tuple[str, str, str], str] = {}
    blocked: set[str] = set()
    texts: list[str | None] = []
    for edit in edits:
        _check_identity(edit, accounts, blocked)
        if edit.is_block:
            texts.append(None)
            continue
        _check_clean(edit)
        _check_signatures(edit, accounts)
        key = (edit.wiki, edit.page)
        current = pages.get(key)
        try:
            if edit.op == "archive-section":
                new = _apply_archive(edit, current, pages.get((edit.wiki, edit.source)))
                archived[(edit.wiki, edit.source, edit.heading)] = edit.page
            else:
                if edit.op == "append-to-section" and current is not None:
                    start, end = _section_span(current, edit.heading)
                    existing = _timestamps(current[start:end])
                    added = [when for _, _, when, _ in _new_timestamps(edit)]
                    if existing and added and min(added) < max(existing):
                        raise _OpError("the appended comment is older than the thread's newest one")
                new = _apply(edit, current)
        except _OpError as exc:
            raise _fail(edit, str(exc)) from None
        if edit.op == "remove-section":
            archive = archived.get((edit.wiki, edit.page, edit.heading))
            if archive and f"[[{archive}]]" not in (edit.summary or ""):
                raise _fail(edit, f"field 'summary' must link the archive [[{archive}]]")
        if any(line != line.rstrip() for line in new.split("\n")):
            # MediaWiki keeps trailing spaces inside a page, which nobody can see in a diff.
            raise _fail(edit, "the page text would have a line with trailing whitespace")
        _check_thread_order(edit, new)
        pages[key] = new
        texts.append(new)
    return texts


# --------------------------------------------------------------------------- public API

def load_seed(directory: str | Path | None = None) -> Seed:
    """Load, validate and simulate the seed files in ``directory`` (default: bot/data/seed)."""
    directory = Path(directory) if directory is not None else SEED_DIR
    schema = _schema(directory)
    accounts_data = _read_yaml(directory / "accounts.yaml")
    _validate(accounts_data, "accountsFile", schema, "accounts.yaml")
    accounts: dict[str, Account] = {}
    for index, raw in enumerate(accounts_data["accounts"]):
        account = Account(**raw)
        if account.name != canonical_user_name(account.name) or is_ip(account.name):
            raise DataError(f"accounts.yaml: entry accounts[{index}], field 'name': "
                            f"'{account.name}' is not a canonical account name.")
        if account.name in accounts:
            raise DataError(f"accounts.yaml: entry accounts[{index}], field 'name': "
                            f"'{account.name}' is listed twice.")
        accounts[account.name] = account

    boards, templates, raws = _raw_edits(directory, schema)
    groups = ["templates", "pages"] + [b.key for b in boards]
    edits = _build_edits(raws, groups)
    texts = _simulate(edits, accounts)
    return Seed(accounts=tuple(accounts.values()), boards=tuple(boards),
                templates=tuple(templates), edits=tuple(edits), texts_after=tuple(texts))


def _tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(items or ())


def load_expected(directory: str | Path | None = None) -> Expected:
    """Load and validate ``expected.yaml`` (what a correct watcher finds in the seed)."""
    directory = Path(directory) if directory is not None else SEED_DIR
    data = _read_yaml(directory / "expected.yaml")
    _validate(data, "expectedFile", _schema(directory), "expected.yaml")
    threads = tuple(
        ExpectedThread(**{**raw, "subjects": _tuple(raw["subjects"]),
                          "categories": _tuple(raw["categories"]),
                          "comments_later": _tuple(raw.get("comments_later"))})
        for raw in data["threads"])
    reports = tuple(ExpectedVandalReport(**raw) for raw in data["vandal_reports"])
    reporters = tuple(
        ExpectedReporter(name=raw["name"], reports=dict(raw["reports"]),
                         outcomes=dict(raw.get("outcomes") or {}), flag_after=raw["flag_after"],
                         forum_shopping=_tuple(raw.get("forum_shopping")),
                         note=raw.get("note", ""))
        for raw in data["reporters"])
    return Expected(threads=threads, vandal_reports=reports, reporters=reporters,
                    forged_signatures=_tuple(data["forged_signatures"]),
                    unsigned=_tuple(data["unsigned"]),
                    private_strings=_tuple(data["private_strings"]),
                    bot_exclusion=_tuple(data["bot_exclusion"]),
                    run_pages=_tuple(data["run_pages"]))
