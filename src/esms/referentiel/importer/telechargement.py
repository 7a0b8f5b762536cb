"""Finding the FINESS file to import: explicit path, ESMS_FINESS_FILE, the shared data file, else a download.

The download streams `settings.FINESS_URL` to var/imports/ (never held in memory) and fails with a French
message when offline.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from django.conf import settings

from esms.referentiel.erreurs import FichierIntrouvable
from esms.referentiel.importer.rapport import dossier_rapports

FICHIER_PARTAGE = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"
DELAI_SECONDES = 60


def telecharger(url: str | None = None, *, destination: Path | None = None) -> Path:
    """Stream the official extract to disk and return its path."""
    url = url or settings.FINESS_URL
    if not url.startswith(("https://", "http://")):
        raise FichierIntrouvable(f"Adresse de téléchargement FINESS invalide : {url}")
    destination = destination or dossier_rapports() / f"etalab-cs1100507-telecharge-{datetime.now():%Y%m%d-%H%M%S}.csv"
    partiel = destination.with_suffix(destination.suffix + ".partiel")
    requete = urllib.request.Request(url, headers={"User-Agent": "esms-numerique (import FINESS)"})  # noqa: S310
    try:
        with urllib.request.urlopen(requete, timeout=DELAI_SECONDES) as reponse, open(partiel, "wb") as fichier:  # noqa: S310
            shutil.copyfileobj(reponse, fichier, length=1 << 20)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        partiel.unlink(missing_ok=True)
        raise FichierIntrouvable(
            f"Téléchargement du fichier FINESS impossible depuis {url} ({exc}). Êtes-vous hors ligne ? "
            "Indiquez un fichier local (chemin en argument ou variable ESMS_FINESS_FILE)."
        ) from exc
    partiel.replace(destination)
    return destination


def fichier_a_importer(chemin: str | Path | None) -> tuple[Path, str]:
    """(path, origin) of the file to import: argument, ESMS_FINESS_FILE, shared data file, else download."""
    if chemin:
        return Path(chemin), "argument"
    if env := os.environ.get("ESMS_FINESS_FILE"):
        return Path(env), "ESMS_FINESS_FILE"
    partage = Path(settings.SHARED_DATA_DIR) / FICHIER_PARTAGE
    if partage.is_file():
        return partage, "données partagées"
    return telecharger(), "téléchargement"
