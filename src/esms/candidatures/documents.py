"""Uploaded documents (dossier documents, message attachments, signed conventions): extension and size checked,
streamed to a temporary file and hashed by the shared upload module (`esms.televersements`, kinds
« documents » and « pieces_jointes », limits configurable) before any transaction."""

from __future__ import annotations

from pathlib import Path

from esms import televersements
from esms.candidatures.erreurs import CandidatureRefusee

EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".odt", ".ods", ".docx", ".xlsx", ".csv", ".txt"}


def recevoir_document(fichier, *, genre: str = "documents") -> televersements.Fichier:
    """The upload in a temporary file (with its SHA-256), or a French refusal naming it; the caller removes it."""
    nom = televersements.nom_sur(getattr(fichier, "name", None))
    if Path(nom).suffix.lower() not in EXTENSIONS:
        raise CandidatureRefusee(
            f"« {nom} » : format non accepté (formats acceptés : {', '.join(sorted(EXTENSIONS))})."
        )
    try:
        recu = televersements.recevoir(fichier, nom=nom, genre=genre)
    except televersements.TeleversementRefuse as exc:
        raise CandidatureRefusee(exc.messages[0]) from None
    if recu.taille == 0:
        recu.effacer()
        raise CandidatureRefusee(f"« {nom} » : le fichier est vide.")
    return recu


def verifier_fichier(fichier, *, genre: str = "documents") -> str:
    """The SHA-256 of an upload under the kind's checks (kept for callers that store the upload themselves)."""
    with recevoir_document(fichier, genre=genre) as recu:
        return recu.sha256
