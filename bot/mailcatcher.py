"""A local SMTP server that keeps every message it receives as a file.

The local wikis send their mail (EmailUser, notifications) here instead of to the
world, so tests and the demo can read exactly what the bot caused to be sent::

    python -m bot.mailcatcher --port 2525 --dir .state/localwiki/mail
"""

from __future__ import annotations

import argparse
import email
import email.policy
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CaughtMail:
    """One message the catcher received."""

    path: Path
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str


class _Handler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        name = f"{time.time_ns()}.eml"
        tmp = self.directory / (name + ".tmp")
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.directory / name)  # readers never see half a message
        return "250 Message accepted"


def read_mail(directory: Path) -> list[CaughtMail]:
    """Every message caught so far, oldest first."""
    found = []
    for path in sorted(Path(directory).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        found.append(CaughtMail(
            path=path, sender=str(message.get("From", "")),
            recipients=tuple(a.strip() for a in str(message.get("To", "")).split(",")),
            subject=str(message.get("Subject", "")),
            body=body.get_content() if body is not None else ""))
    return found


def main() -> None:
    """Serve until killed."""
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    controller = Controller(_Handler(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
