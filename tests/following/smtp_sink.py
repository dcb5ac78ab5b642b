"""An SMTP server on loopback that keeps what it receives, for tests and the bench."""

import asyncio
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    """Stores every accepted message; can refuse or hold messages on request.

    `fail_next` refuses that many messages with 451. `hold_at` delays the message
    received when that many are stored already, until `release` is set; a held
    message is then refused, as if the client had gone away.
    """

    def __init__(self, keep_messages: bool = True):
        self.keep_messages = keep_messages
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[str] = []
        self.lock = threading.Lock()
        self.fail_next = 0
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 4.3.0 Try again later"
            hold = self.hold_at is not None and len(self.recipients) >= self.hold_at
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held and dropped by the test"
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
            if self.keep_messages:
                self.messages.append(
                    email.message_from_bytes(envelope.content, policy=policy.default)
                )
        return "250 OK"

    def to(self, address: str) -> list:
        with self.lock:
            return [
                m for m in self.messages if [a.addr_spec for a in m["To"].addresses] == [address]
            ]


def start_server(handler) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller
