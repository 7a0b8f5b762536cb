"""Rejects report of an import run with --skip-invalid: one CSV line per anomaly, under var/imports/."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings

from esms.exports import ecrivain_csv
from esms.referentiel.erreurs import Anomalie

EN_TETE = ("ligne", "champ", "valeur", "message")


def dossier_rapports() -> Path:
    dossier = Path(settings.VAR_DIR) / "imports"
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier


def ecrire_rapport(anomalies: list[Anomalie], *, nom_fichier: str, horodatage: datetime) -> Path:
    """Write the report (UTF-8 with BOM, `;`, for spreadsheets) and return its path."""
    base = Path(nom_fichier).name.split(".")[0] or "finess"
    chemin = dossier_rapports() / f"rejets-{base}-{horodatage:%Y%m%d-%H%M%S-%f}.csv"
    with open(chemin, "w", encoding="utf-8-sig", newline="") as flux:
        ecrivain = ecrivain_csv(flux)  # inert: the values come from the uploaded file
        ecrivain.writerow(EN_TETE)
        ecrivain.writerows((a.ligne, a.champ, a.valeur, a.message) for a in anomalies)
    return chemin
