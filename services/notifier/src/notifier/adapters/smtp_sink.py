"""A local SMTP sink for development and tests: accepts every message and stores it as an
.eml file in a directory (`python -m notifier.adapters.smtp_sink --port 18025 --dir .local/mail`)."""
from __future__ import annotations

import argparse
import email
import email.policy
import logging
import signal
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP line at INFO; a sink needs only its problems.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class _StoreHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd hook)
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.directory / f".{name}.part"
        temporary.write_bytes(envelope.original_content or envelope.content)
        temporary.rename(self.directory / name)  # readers never see half a message
        return "250 Message accepted for delivery"


class MailSink:
    """An SMTP server on a local port whose mail lands in `directory`."""

    def __init__(self, directory: Path, *, host: str = "127.0.0.1", port: int = 18025) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.port = port
        self._controller = Controller(_StoreHandler(self.directory), hostname=host, port=port)

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def messages(self) -> list[EmailMessage]:
        """Every stored message, oldest first."""
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(self.directory.glob("*.eml"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18025)
    parser.add_argument("--dir", default=".local/mail")
    args = parser.parse_args()
    sink = MailSink(Path(args.dir), host=args.host, port=args.port).start()
    print(f"SMTP sink on {args.host}:{args.port}, storing mail in {sink.directory}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    sink.stop()


if __name__ == "__main__":
    main()
