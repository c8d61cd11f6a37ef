"""What every script in ``scripts/`` shares: the bot base class and error handling.

A script's ``main(*args)`` is wiring only; it hands its work to :func:`run_script`,
which turns errors a user can cause (configuration, a missing bot password, bad
input) into one clear line and a non-zero exit status.  Bugs stay tracebacks.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import pywikibot
from pywikibot.bot import BaseBot

from bot.errors import NoticeboardError

log = logging.getLogger("nbh")


class NoticeboardBot(BaseBot):
    """Base class of our bots.

    ``BaseBot.__init__`` updates ``available_options`` in place, so options declared by
    one subclass would leak into every other; each subclass gets its own copy here.
    """

    update_options: dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.available_options = dict(BaseBot.available_options)


class _OneLineRetries(logging.Filter):
    """Pywikibot logs a whole traceback on every retried request; keep its first line.

    A retry that then succeeds is routine, and the traceback of each attempt buries
    the one line that matters (and can carry request details into the logs).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            detail = str(exc).splitlines()[0] if str(exc) else ""
            record.msg = f"{type(exc).__name__}: {detail}".rstrip(": ")
        elif "Traceback (most recent call last)" in text:
            # Keep the exception's own line (the last one), not the frames.
            lines = [line for line in text.splitlines() if line.strip()]
            record.msg = lines[-1].strip() if lines else "error"
        else:
            return True
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True


def setup_logging(verbose: bool = False) -> None:
    """Send our library's log lines to stderr in one greppable format."""
    pywikibot.bot.init_handlers()  # idempotent; the filter needs the handlers to exist
    quiet = _OneLineRetries()
    for handler in logging.getLogger("pywiki").handlers:
        if not any(isinstance(f, _OneLineRetries) for f in handler.filters):
            handler.addFilter(quiet)
    logger = logging.getLogger("nbh")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("nbh %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def split_option(arg: str) -> tuple[str, str]:
    """``-name:value`` -> ``("name", "value")``; ``-flag`` -> ``("flag", "")``."""
    name, _, value = arg.partition(":")
    return name.lstrip("-"), value


def take_language(args: tuple[str, ...] | list[str]) -> tuple[str | None, list[str]]:
    """Take ``-lang:xx`` out of *args* before Pywikibot sees it.

    For scripts that write text in a language (replies, triage), ``-lang`` names that
    language; left in, Pywikibot would take it as the site's language code instead.
    """
    language, rest = None, []
    for arg in args:
        if arg.startswith("-lang:"):
            language = arg.split(":", 1)[1]
        else:
            rest.append(arg)
    return language, rest


def _handle_args(args: list[str]) -> list[str]:
    """Pywikibot's handle_args on exactly *args*.

    Given an empty list it would read the command line again (``pywikibot.argvu``),
    taking back a ``-lang`` we removed, or a test runner's arguments when a script's
    ``main`` is called in-process; so for that call the command line it sees is *args*.
    """
    saved = pywikibot.argvu
    pywikibot.argvu = saved[:1] + args
    try:
        return pywikibot.handle_args(args)
    finally:
        pywikibot.argvu = saved


def parse_options(args: tuple[str, ...] | list[str], *, values: tuple[str, ...] = (),
                  flags: tuple[str, ...] = (), repeated: tuple[str, ...] = (),
                  language: bool = False, one_of: tuple[str, ...] = ()) -> dict | None:
    """A script's own options, after Pywikibot has taken its global ones.

    ``-name:value`` for *values*, ``-name`` (True) for *flags*, and *repeated* values
    collected in lists.  With *language*, ``-lang:xx`` is ours (see
    :func:`take_language`) and comes back as ``"lang"``.  *one_of*: at least one of
    these options is required.  ``-deployment:PATH`` is always accepted.  Returns
    None after printing Pywikibot's help line for an unknown or missing option (the
    script then exits with status 2).
    """
    options: dict[str, Any] = {name: [] for name in repeated}
    # No arguments: a script run by pwb, whose arguments are the command line's.  Taken
    # here, not by handle_args, so that -lang is seen before Pywikibot claims it.
    args = list(args) or list(pywikibot.argvu[1:])
    if language:
        options["lang"], args = take_language(args)
    for arg in _handle_args(args):
        name, value = split_option(arg)
        if name in repeated:
            options[name].append(value)
        elif name in values or name == "deployment":
            options[name] = value
        elif name in flags:
            options[name] = True
        else:
            pywikibot.bot.suggest_help(unknown_parameters=[arg])
            return None
    if one_of and not any(options[n] if n in repeated else n in options for n in one_of):
        pywikibot.bot.suggest_help(missing_parameters=[" or ".join(f"-{n}" for n in one_of)])
        return None
    return options


def run_script(work: Callable[[], int | None]) -> int:
    """Run *work*; user-caused errors become one line on stderr and exit status 1."""
    setup_logging()
    try:
        return int(work() or 0)
    except NoticeboardError as exc:
        pywikibot.error(str(exc))
    except pywikibot.exceptions.NoUsernameError as exc:
        pywikibot.error(f"cannot log in: {str(exc).splitlines()[0]} "
                        "(check usernames and password_file in user-config.py)")
    except pywikibot.exceptions.APIError as exc:
        if exc.code in ("wrongpassword", "Failed", "WrongPass", "WrongPluginPass"):
            pywikibot.error("cannot log in: the wiki refused the bot password "
                            "(check user-password.py)")
        else:
            pywikibot.error(f"the wiki refused a request: {exc.code}: {exc.info}")
    except pywikibot.exceptions.MaxlagTimeoutError:
        pywikibot.error("the wiki stayed lagged (maxlag) through every retry; the run "
                        "stopped and the next one carries on")
    except pywikibot.exceptions.ApiTimeoutError:
        pywikibot.error("the wiki did not answer usefully through every retry (network, "
                        "server error or a broken reply); the next run carries on")
    except pywikibot.exceptions.ServerError as exc:
        pywikibot.error(f"the wiki is unreachable or failing: {str(exc).splitlines()[0]}")
    return 1


class Progress:
    """A progress bar on stderr for long runs: redrawn in place on a terminal, one
    line per step in a log file (Toolforge jobs), so it is useful in both."""

    def __init__(self, label: str, *, stream=None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def update(self, done: int, total: int, note: str = "") -> None:
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{self.label} [{bar}] {done}/{total} {note}".rstrip()
        if self.tty:
            self.stream.write("\r\x1b[K" + line)
            if done >= total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
