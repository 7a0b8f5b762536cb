"""Uploaded documents: checks (size, extension) and content hash, before anything is written."""

from __future__ import annotations

import hashlib
from pathlib import Path

from esms.candidatures.erreurs import CandidatureRefusee

TAILLE_MAX = 20 * 1024 * 1024
EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".odt", ".ods", ".docx", ".xlsx", ".csv", ".txt"}


def verifier_fichier(fichier) -> str:
    """Return the SHA-256 of an uploaded file, or refuse it with a French message naming it."""
    nom = fichier.name or "fichier"
    if Path(nom).suffix.lower() not in EXTENSIONS:
        raise CandidatureRefusee(
            f"« {nom} » : format non accepté (formats acceptés : {', '.join(sorted(EXTENSIONS))})."
        )
    if fichier.size == 0:
        raise CandidatureRefusee(f"« {nom} » : le fichier est vide.")
    if fichier.size > TAILLE_MAX:
        raise CandidatureRefusee(f"« {nom} » : le fichier dépasse 20 Mo.")
    digest = hashlib.sha256()
    for chunk in fichier.chunks():
        digest.update(chunk)
    fichier.seek(0)
    return digest.hexdigest()
