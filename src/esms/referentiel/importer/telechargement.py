"""Finding the FINESS file to import: explicit path, ESMS_FINESS_FILE, the shared data file, else a download.

The download asks the data.gouv.fr dataset API (`settings.FINESS_API`) for the latest FINESS+ « Structures »
resource, streams it to var/imports/telechargements/ (never held in memory) while computing its SHA-256 and the
digest the API announces, refuses it when they differ, and fails with one French sentence when offline.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from esms.referentiel.erreurs import FichierIntrouvable
from esms.referentiel.importer.rapport import dossier_rapports

FICHIER_PARTAGE = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"
DELAI_SECONDES = 60


def fichier_a_importer(chemin: str | Path | None) -> tuple[Path, str, str]:
    """(path, origin, download URL) of the file to import: argument, ESMS_FINESS_FILE, the shared data file,
    else the latest FINESS+ Structures file downloaded through the data.gouv.fr dataset API."""
    if chemin:
        return Path(chemin), "argument", ""
    if env := os.environ.get("ESMS_FINESS_FILE"):
        return Path(env), "ESMS_FINESS_FILE", ""
    partage = Path(settings.SHARED_DATA_DIR) / FICHIER_PARTAGE
    if partage.is_file():
        return partage, "données partagées", ""
    telecharge = telecharger_finess_plus()
    return telecharge.chemin, "téléchargement data.gouv.fr", telecharge.url


# ---------------------------------------------------------------------------------------------------------------
# FINESS+ (data.gouv.fr dataset API)

ALGORITHMES = ("sha256", "sha1", "md5")
HORS_LIGNE = ("Téléchargement du fichier FINESS impossible, êtes-vous hors ligne ? Fournissez le fichier national "
              "des établissements (flux FINESS+ « Structures » de data.gouv.fr ou extraction Etalab) avec "
              "« esms import_finess CHEMIN » ou la variable ESMS_FINESS_FILE, ou le dossier de données partagées "
              "avec ESMS_SHARED_DATA")


@dataclass
class Telechargement:
    chemin: Path
    url: str
    date: str  # the resource's last modification, as the API gives it
    sha256: str
    empreinte_annoncee: str  # "<algorithm>:<value>" announced by the API, or ""


def _lire_json(url: str) -> dict:
    requete = urllib.request.Request(url, headers={"User-Agent": "esms-numerique (import FINESS)",  # noqa: S310
                                                   "Accept": "application/json"})
    try:
        with urllib.request.urlopen(requete, timeout=DELAI_SECONDES) as reponse:  # noqa: S310
            return json.load(reponse)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise FichierIntrouvable(HORS_LIGNE + f" (API data.gouv.fr injoignable : {url} : {exc})") from exc


def ressource_structures(jeu: dict) -> dict:
    """The latest « Structures » resource of the dataset (JSON or gzip JSON), by last modification."""
    candidates = [r for r in jeu.get("resources") or []
                  if "structure" in f"{r.get('title', '')} {r.get('url', '')}".lower()
                  and any(f in f"{r.get('format', '')} {r.get('url', '')}".lower() for f in ("json", "gz"))]
    if not candidates:
        raise FichierIntrouvable("Aucune ressource « FINESS - Structures » (JSON) dans le jeu de données data.gouv.fr.")
    return max(candidates, key=lambda r: str(r.get("last_modified") or r.get("created_at") or ""))


def telecharger_finess_plus(api: str | None = None, *, dossier: Path | None = None) -> Telechargement:
    """Download the latest FINESS+ Structures file; refuse it when its digest differs from the announced one."""
    api = api or settings.FINESS_API
    if not api.startswith(("https://", "http://")):
        raise FichierIntrouvable(f"Adresse de l'API data.gouv.fr invalide : {api}")
    ressource = ressource_structures(_lire_json(api))
    url = str(ressource.get("url") or "")
    if not url.startswith(("https://", "http://")):
        raise FichierIntrouvable(f"Adresse de ressource invalide dans la réponse de l'API : {url!r}")
    controle = ressource.get("checksum") or {}
    algorithme = str(controle.get("type") or "").lower()
    annonce = str(controle.get("value") or "").lower()
    dossier = dossier or dossier_rapports() / "telechargements"
    dossier.mkdir(parents=True, exist_ok=True)
    nom = Path(urllib.parse.urlparse(url).path).name or "finess-structures.json.gz"
    destination = dossier / f"{datetime.now():%Y%m%d-%H%M%S}-{nom}"
    partiel = destination.with_suffix(destination.suffix + ".partiel")
    empreintes = {a: hashlib.new(a) for a in {"sha256", algorithme} if a in ALGORITHMES}
    requete = urllib.request.Request(url, headers={"User-Agent": "esms-numerique (import FINESS)"})  # noqa: S310
    try:
        with urllib.request.urlopen(requete, timeout=DELAI_SECONDES) as reponse, open(partiel, "wb") as fichier:  # noqa: S310
            while bloc := reponse.read(1 << 20):
                fichier.write(bloc)
                for h in empreintes.values():
                    h.update(bloc)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        partiel.unlink(missing_ok=True)
        raise FichierIntrouvable(HORS_LIGNE + f" (téléchargement de {url} impossible : {exc})") from exc
    if algorithme in ALGORITHMES and annonce and empreintes[algorithme].hexdigest() != annonce:
        partiel.unlink(missing_ok=True)
        raise FichierIntrouvable(
            f"Fichier FINESS+ refusé : son empreinte {algorithme.upper()} ({empreintes[algorithme].hexdigest()}) "
            f"ne correspond pas à celle annoncée par data.gouv.fr ({annonce}) ; téléchargement incomplet ou altéré."
        )
    partiel.replace(destination)
    return Telechargement(chemin=destination, url=url, date=str(ressource.get("last_modified") or ""),
                          sha256=empreintes["sha256"].hexdigest(),
                          empreinte_annoncee=f"{algorithme}:{annonce}" if annonce else "")
