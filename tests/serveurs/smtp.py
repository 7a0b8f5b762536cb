"""A real SMTP server (aiosmtpd) on loopback for the tests: it keeps every message it accepts, and can be
told to answer the next messages with a temporary failure (451) to exercise retries."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Recu:
    expediteur: str
    destinataires: list[str]
    message: EmailMessage

    @property
    def sujet(self) -> str:
        return str(self.message["Subject"]).strip()

    def partie(self, type_mime: str) -> str:
        part = self.message.get_body(preferencelist=(type_mime.split("/")[1],))
        assert part is not None and part.get_content_type() == type_mime, f"pas de partie {type_mime}"
        return part.get_content()


@dataclass
class Boite:
    recus: list[Recu] = field(default_factory=list)
    refuser: int = 0  # answer 451 to that many next messages
    verrou: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        with self.verrou:
            if self.refuser > 0:
                self.refuser -= 1
                return "451 4.3.0 Service temporairement indisponible"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.recus.append(Recu(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def vider(self) -> None:
        with self.verrou:
            self.recus.clear()
            self.refuser = 0

    def pour(self, adresse: str) -> list[Recu]:
        return [r for r in self.recus if adresse in r.destinataires]


class ServeurSMTP:
    def __init__(self) -> None:
        self.boite = Boite()
        self.port = port_libre()
        self.controller = Controller(self.boite, hostname="127.0.0.1", port=self.port)

    def demarrer(self) -> ServeurSMTP:
        self.controller.start()
        return self

    def arreter(self) -> None:
        self.controller.stop()
