"""Content-addressed storage of evidence files: MEDIA_ROOT/preuves/ab/cdef… (SHA-256 of the bytes).

A file is first received into a temporary file of the same directory tree (hashed while written), checked,
then moved into place atomically and made read-only. The same content is stored once.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from esms.usages.erreurs import PreuveInvalide

BLOC = 1 << 20
TAILLE_MAX = int(getattr(settings, "ESMS_PREUVE_TAILLE_MAX", 4 * 1024**3))


def racine() -> Path:
    return Path(settings.MEDIA_ROOT) / "preuves"


def chemin_de(sha256: str) -> Path:
    return racine() / sha256[:2] / sha256[2:]


@dataclass
class Reception:
    chemin: Path  # temporary file
    sha256: str
    taille: int

    def effacer(self) -> None:
        self.chemin.unlink(missing_ok=True)


def _blocs(fichier):
    if isinstance(fichier, bytes | bytearray | memoryview):
        yield bytes(fichier)
    elif hasattr(fichier, "chunks"):
        if hasattr(fichier, "seek"):
            fichier.seek(0)
        yield from fichier.chunks(BLOC)
    else:
        while bloc := fichier.read(BLOC):
            yield bloc


def recevoir(fichier, *, nom: str) -> Reception:
    """Copy bytes, a Django upload or a binary file-like object into a temporary file, hashing it."""
    dossier_temp = racine() / "tmp"
    dossier_temp.mkdir(parents=True, exist_ok=True)
    descripteur, temp = tempfile.mkstemp(dir=dossier_temp, suffix=Path(nom).suffix.lower())
    digest, taille = hashlib.sha256(), 0
    try:
        with os.fdopen(descripteur, "wb") as sortie:
            for bloc in _blocs(fichier):
                if isinstance(bloc, str):
                    raise PreuveInvalide(f"{nom} : contenu binaire attendu (octets), texte reçu.")
                taille += len(bloc)
                if taille > TAILLE_MAX:
                    raise PreuveInvalide(f"{nom} : le fichier dépasse la taille maximale ({TAILLE_MAX // 1024**2} Mo).")
                digest.update(bloc)
                sortie.write(bloc)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Reception(Path(temp), digest.hexdigest(), taille)


def ranger(reception: Reception) -> bool:
    """Move the received file to its content address; True when it was not stored yet (the caller removes
    it again if its transaction fails), False when the same content was already there."""
    cible = chemin_de(reception.sha256)
    if cible.exists():
        reception.effacer()
        return False
    cible.parent.mkdir(parents=True, exist_ok=True)
    os.replace(reception.chemin, cible)
    os.chmod(cible, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return True


def retirer(sha256: str) -> None:
    """Remove a file stored by a transaction that failed (never called for a committed deposit)."""
    chemin_de(sha256).unlink(missing_ok=True)


def empreinte_fichier(chemin: Path) -> str:
    digest = hashlib.sha256()
    with open(chemin, "rb") as fichier:
        while bloc := fichier.read(BLOC):
            digest.update(bloc)
    return digest.hexdigest()
