"""The evidence file format (docs/evidence.md): columns, event types, accepted file formats."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from esms.rules.dui_actif import TYPES_ECRITURE, TYPES_EVENEMENT

COLONNES: tuple[str, ...] = ("usager", "finess_et", "horodatage", "type_evenement", "role_auteur")
LIBELLES_COLONNES = {
    "usager": "identifiant pseudonymisé du dossier usager",
    "finess_et": "FINESS géographique de l'établissement",
    "horodatage": "date et heure ISO 8601 avec décalage horaire",
    "type_evenement": f"type d'événement ({', '.join(TYPES_EVENEMENT)})",
    "role_auteur": "rôle de l'auteur de l'événement",
}
EXTENSIONS = {".csv": "csv", ".parquet": "parquet", ".ndjson": "ndjson", ".jsonl": "ndjson"}

# Column names that announce direct identifiers: such a file is refused before anything is stored.
COLONNES_IDENTIFIANTES = frozenset({
    "nom", "prenom", "prenoms", "nom_naissance", "nom_de_naissance", "nom_usage", "nom_utilise", "date_naissance",
    "date_de_naissance", "naissance", "ddn", "lieu_naissance", "nir", "numero_secu", "num_secu", "secu",
    "numero_securite_sociale", "ins", "matricule_ins", "ins_nir", "ins_nia", "insc", "ins_c", "nia", "adresse",
    "telephone", "email", "courriel", "mail", "name", "given", "family", "birthdate", "birth_date",
})

__all__ = ["COLONNES", "EXTENSIONS", "TYPES_ECRITURE", "TYPES_EVENEMENT", "format_du_fichier", "normaliser_nom"]


def normaliser_nom(nom: str) -> str:
    """« Prénom » → « prenom », « Date de naissance » → « date_de_naissance »."""
    sans_accent = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return "_".join(sans_accent.strip().lower().replace("-", " ").split())


def format_du_fichier(nom: str, debut: bytes) -> str | None:
    """The format announced by the name, if the first bytes agree with it; None for an unknown format."""
    attendu = EXTENSIONS.get(Path(nom).suffix.lower())
    if attendu == "parquet":
        return "parquet" if debut.startswith(b"PAR1") else None
    if attendu == "ndjson":
        return "ndjson" if debut.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{") else None
    if attendu == "csv":
        return None if debut.startswith((b"PAR1", b"PK\x03\x04", b"%PDF")) else "csv"
    return None
