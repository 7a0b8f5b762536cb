"""Content-addressed storage of evidence files: MEDIA_ROOT/preuves/ab/cdef… (SHA-256 of the bytes).

A file is first received into a temporary file of the same directory tree (hashed while written), checked,
then moved into place atomically and made read-only. The same content is stored once.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from esms import televersements
from esms.usages.erreurs import PreuveInvalide

BLOC = 1 << 20


def racine() -> Path:
    return Path(settings.MEDIA_ROOT) / "preuves"


def chemin_de(sha256: str) -> Path:
    return racine() / sha256[:2] / sha256[2:]


@dataclass
class Reception:
    chemin: Path  # temporary file
    sha256: str
    taille: int
    nom: str = ""  # the name the content is read under (without « .gz » when it was gunzipped)

    def effacer(self) -> None:
        self.chemin.unlink(missing_ok=True)


def recevoir(fichier, *, nom: str) -> Reception:
    """Stream bytes, a Django upload or a binary file-like object into a temporary file of the store (hashed,
    under the « preuves » size limit of `esms.televersements`); a gzip file is decompressed under the caps
    of the same kind, and what is stored (and hashed) is the decompressed extract."""
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre="preuves", dossier=racine() / "tmp")
        try:
            source = televersements.decompresser(recu, genre="preuves")
        except BaseException:
            recu.effacer()
            raise
    except televersements.TeleversementRefuse as exc:
        raise PreuveInvalide(exc.messages) from None
    if source is not recu:
        recu.effacer()
    return Reception(source.chemin, source.sha256, source.taille, source.nom)


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
