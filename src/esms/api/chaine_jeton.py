"""The token string `esms_<prefix>_<secret>`: generation, parsing and hashing (only the SHA-256 of the
secret is stored; the prefix identifies the token and is shown to its owner)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIXE_CHAINE = "esms"
_FORME = re.compile(r"^esms_([0-9a-f]{10})_([A-Za-z0-9_-]{40,60})$")


@dataclass(frozen=True)
class JetonClair:
    prefixe: str
    secret: str

    @property
    def chaine(self) -> str:
        return f"{PREFIXE_CHAINE}_{self.prefixe}_{self.secret}"


def generer() -> JetonClair:
    return JetonClair(prefixe=secrets.token_hex(5), secret=secrets.token_urlsafe(32))


def empreinte(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lire(chaine: str) -> JetonClair | None:
    """The prefix and secret of a well-formed token string, else None."""
    correspondance = _FORME.match(chaine.strip())
    if correspondance is None:
        return None
    return JetonClair(prefixe=correspondance.group(1), secret=correspondance.group(2))


def secret_valide(secret: str, empreinte_attendue: str) -> bool:
    return hmac.compare_digest(empreinte(secret), empreinte_attendue)
