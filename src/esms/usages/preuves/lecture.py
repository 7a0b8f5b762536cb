"""Reading an evidence file with DuckDB into two views, without loading it in Python:

- `source`: the file's columns as read (text, or Parquet types), under their normalised names;
- `evenements`: the canonical relation of `requete.py` — `horodatage` parsed to TIMESTAMPTZ (NULL when it
  is not ISO 8601 with an offset), plus `horodatage_brut` (the text, for error messages). A view over a
  Parquet file; a temporary table (parsed once, in file order) for CSV and NDJSON.

Header and schema problems (missing or unknown columns, identifying column names, wrong Parquet types,
non UTF-8 text, malformed CSV lines) are refused here with a French message naming the file, the line
and the column when DuckDB gives them.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from esms.usages.erreurs import IdentifiantsDirects, PreuveInvalide
from esms.usages.preuves import identifiants
from esms.usages.preuves.format import COLONNES, COLONNES_IDENTIFIANTES, LIBELLES_COLONNES, normaliser_nom

journal = logging.getLogger(__name__)

_OFFSET = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"
TYPES_TEXTE = {"VARCHAR"}
TYPES_HORODATAGE = {"VARCHAR", "TIMESTAMP WITH TIME ZONE"}


@dataclass(frozen=True)
class Source:
    """An evidence file opened in a DuckDB connection (views `source` and `evenements` created)."""

    con: duckdb.DuckDBPyConnection
    nom: str
    format: str
    premiere_ligne: int  # line number of the first record (2 for a CSV with its header, 1 otherwise)


def _litteral(chemin: Path) -> str:
    return "'" + str(chemin).replace("'", "''") + "'"


def _selection(noms: dict[str, str]) -> str:
    """The file's columns (quoted identifiers) under their canonical names."""
    return ", ".join(f'"{noms[c].replace(chr(34), chr(34) * 2)}" AS {c}' for c in COLONNES)


def _verifier_colonnes(nom: str, colonnes: list[str]) -> dict[str, str]:
    """Map each normalised column name to the file's own; refuse identifying, missing or unknown columns."""
    normalisees = {normaliser_nom(c): c for c in colonnes}
    identifiantes = [c for n, c in normalisees.items() if n in COLONNES_IDENTIFIANTES]
    if identifiantes:
        raise IdentifiantsDirects(
            f"{nom} : le fichier contient des colonnes d'identification directe ({', '.join(f'« {c} »' for c in identifiantes)}). "
            "Les preuves ne doivent contenir que des identifiants pseudonymisés : retirez ces colonnes, rien n'a été enregistré."
        )
    manquantes = [c for c in COLONNES if c not in normalisees]
    if manquantes:
        detail = ", ".join(f"« {c} » ({LIBELLES_COLONNES[c]})" for c in manquantes)
        raise PreuveInvalide(f"{nom}, ligne 1 : colonne(s) manquante(s) : {detail}.")
    inconnues = [c for n, c in normalisees.items() if n not in COLONNES]
    if inconnues:
        raise PreuveInvalide(
            f"{nom}, ligne 1 : colonne(s) inconnue(s) : {', '.join(f'« {c} »' for c in inconnues)} "
            f"(le format n'admet que {', '.join(COLONNES)})."
        )
    if len(normalisees) != len(colonnes):
        raise PreuveInvalide(f"{nom}, ligne 1 : une colonne est présente deux fois.")
    return {n: normalisees[n] for n in COLONNES}


def traduire_erreur_duckdb(nom: str, exc: Exception) -> PreuveInvalide:
    """A DuckDB read error as a French located message."""
    texte = str(exc)
    ligne = re.search(r"CSV Error on Line: (\d+)", texte)
    originale = re.search(r"Original Line: (.*)", texte)
    lieu = f"{nom}, ligne {ligne.group(1)}" if ligne else nom
    extrait = f" (« {originale.group(1)[:200]} »)" if originale else ""
    if "Expected Number of Columns" in texte:
        attendu = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", texte)
        quantite = f" : {attendu.group(2)} champs au lieu de {attendu.group(1)}" if attendu else ""
        return PreuveInvalide(f"{lieu} : nombre de champs incorrect{quantite}{extrait}.")
    if "unicode" in texte.lower() or "utf-8" in texte.lower():
        return PreuveInvalide(f"{lieu} : le fichier n'est pas encodé en UTF-8{extrait}.")
    if "quote" in texte.lower():
        return PreuveInvalide(f"{lieu} : guillemet non fermé ou mal placé{extrait}.")
    if ligne:
        return PreuveInvalide(f"{lieu} : ligne illisible{extrait}.")
    return PreuveInvalide(f"{nom} : fichier illisible ({en_clair(exc)}).")


def en_clair(exc: Exception) -> str:
    """What a DuckDB read error means, in French and without its text: DuckDB names the server's temporary file
    (a path the uploader must never see). The original is logged for the operators."""
    texte = str(exc)
    journal.info("Erreur DuckDB à la lecture d'une preuve : %s", texte)
    ligne = re.search(r"\bline (\d+)", texte)
    a_la_ligne = f" à la ligne {ligne.group(1)}" if ligne else ""
    if "magic bytes" in texte or "Footer length" in texte or "too small to be a Parquet" in texte:
        return "ce n'est pas un fichier Parquet complet : en-tête ou pied de fichier absent"
    if "Malformed JSON" in texte or "JSON" in texte:
        return f"JSON mal formé{a_la_ligne}"
    if "Conversion Error" in texte or "Could not convert" in texte:
        return f"valeur de type inattendu{a_la_ligne}"
    if "Out of Memory" in texte or "memory" in texte.lower():
        return "fichier trop volumineux pour être analysé"
    return "contenu non reconnu"


def _entete_csv(chemin: Path, nom: str) -> tuple[str, list[str]]:
    with open(chemin, "rb") as fichier:
        brut = fichier.readline(1 << 16)
    try:
        texte = brut.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        raise PreuveInvalide(f"{nom}, ligne 1 : le fichier n'est pas encodé en UTF-8.") from None
    if not texte.strip():
        raise PreuveInvalide(f"{nom} : le fichier est vide (ligne d'en-tête absente).")
    separateur = ";" if ";" in texte else ","
    colonnes = next(csv.reader(io.StringIO(texte), delimiter=separateur))
    return separateur, [c.strip() for c in colonnes]


def _ouvrir_csv(con: duckdb.DuckDBPyConnection, chemin: Path, nom: str) -> None:
    separateur, colonnes = _entete_csv(chemin, nom)
    noms = _verifier_colonnes(nom, colonnes)
    types = "{" + ", ".join(f"'{c.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for c in colonnes) + "}"
    lecture = (f"read_csv({_litteral(chemin)}, header=true, auto_detect=false, delim='{separateur}', quote='\"', "
               f"escape='\"', columns={types}, strict_mode=true)")
    con.execute(f"CREATE VIEW source AS SELECT {_selection(noms)} FROM {lecture}")  # noqa: S608 (names checked)


def _ouvrir_parquet(con: duckdb.DuckDBPyConnection, chemin: Path, nom: str) -> None:
    try:
        schema = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_litteral(chemin)})").fetchall()  # noqa: S608
    except duckdb.Error as exc:
        raise PreuveInvalide(f"{nom} : fichier Parquet illisible ({en_clair(exc)}).") from None
    types = {ligne[0]: ligne[1] for ligne in schema}
    noms = _verifier_colonnes(nom, list(types))
    for colonne in COLONNES:
        type_ = types[noms[colonne]]
        admis = TYPES_HORODATAGE if colonne == "horodatage" else TYPES_TEXTE
        if type_ not in admis:
            conseil = (" : un horodatage sans fuseau horaire est ambigu (type TIMESTAMP WITH TIME ZONE ou texte ISO 8601 "
                       "avec décalage attendu)" if colonne == "horodatage" else " : texte attendu (un FINESS ou un "
                       "identifiant numérique perdrait ses zéros initiaux)")
            raise PreuveInvalide(f"{nom}, colonne « {colonne} » : type {type_}{conseil}.")
    con.execute(f"CREATE VIEW source AS SELECT {_selection(noms)} FROM read_parquet({_litteral(chemin)})")  # noqa: S608


# FHIR AuditEvent (R4) → canonical columns. action C/U/R → creation/mise_a_jour/consultation.
_ACTIONS = "CASE json_extract_string(json, '$.action') WHEN 'C' THEN 'creation' WHEN 'U' THEN 'mise_a_jour' " \
           "WHEN 'R' THEN 'consultation' ELSE json_extract_string(json, '$.action') END"


def _ouvrir_ndjson(con: duckdb.DuckDBPyConnection, chemin: Path, nom: str) -> None:
    lecture = f"read_ndjson_objects({_litteral(chemin)})"
    con.execute(f"""
        CREATE VIEW source AS SELECT
            json_extract_string(json, '$.entity[0].what.identifier.value') AS usager,
            json_extract_string(json, '$.source.observer.identifier.value') AS finess_et,
            json_extract_string(json, '$.recorded') AS horodatage,
            {_ACTIONS} AS type_evenement,
            coalesce(json_extract_string(json, '$.agent[0].role[0].coding[0].code'),
                     json_extract_string(json, '$.agent[0].type.coding[0].code')) AS role_auteur,
            json_extract_string(json, '$.resourceType') AS type_ressource,
            regexp_extract(CAST(json AS VARCHAR), '"(birthDate|nir|NIR|ins|INS)"') AS cle_identifiante
        FROM {lecture}""")  # noqa: S608 (built from constants and an escaped path)
    try:
        autre = con.execute("SELECT type_ressource FROM source WHERE type_ressource IS DISTINCT FROM 'AuditEvent' "
                            "LIMIT 1").fetchone()
        identifiante = con.execute("SELECT cle_identifiante FROM source WHERE cle_identifiante <> '' LIMIT 1").fetchone()
    except duckdb.Error as exc:
        raise PreuveInvalide(f"{nom} : NDJSON illisible ({en_clair(exc)}).") from None
    if identifiante:
        raise IdentifiantsDirects(f"{nom} : un événement contient le champ « {identifiante[0]} » (identification "
                                  "directe). Rien n'a été enregistré.")
    # Any other field of a resource (a display name, an extension…) is checked as well, on the raw JSON text.
    try:
        ligne = con.execute(f"""
            SELECT rang FROM (SELECT row_number() OVER () AS rang, CAST(json AS VARCHAR) AS brut FROM {lecture})
            WHERE {identifiants.contient_sql('brut')} ORDER BY rang LIMIT 1""").fetchone()  # noqa: S608
    except duckdb.Error as exc:
        raise PreuveInvalide(f"{nom} : NDJSON illisible ({str(exc).splitlines()[0][:200]}).") from None
    if ligne:
        raise IdentifiantsDirects(f"{nom}, ligne {ligne[0]} : un champ de la ressource contient un identifiant direct "
                                  "(NIR ou INS avec une clé valide). Rien n'a été enregistré.")
    if autre:
        raise PreuveInvalide(f"{nom} : ressource « {autre[0]} » : seules des ressources FHIR AuditEvent sont admises.")


MEMOIRE_PAR_DEFAUT = "350MB"
# The DUI grouping of a national file (20 M events, 2 M DUIs) fits in one DuckDB thread's hash table under a
# 320 MB cap; every further thread keeps its own table, and past the cap DuckDB spills to disk, which doubles
# the count's CPU time (benchmarks/dui_actifs.py: 8.3 s of CPU with 2 threads under 300 MB, 4.4 s with one).
MO_PAR_FIL_DE_GROUPEMENT = 320
_UNITES_MO = {"b": 1e-6, "kb": 1e-3, "kib": 1.024e-3, "mb": 1, "mib": 1.048576, "gb": 1e3, "gib": 1073.741824,
              "tb": 1e6, "tib": 1099511.627776}


def memoire_duckdb() -> str:
    """DuckDB's memory cap for one evidence file (it spills to `temp_directory` beyond): with the ~200 MB of
    the process itself, keeps any import under the platform's 600 MB budget. Setting `ESMS_DUCKDB_MEMOIRE`
    (DuckDB syntax, e.g. « 1GB »)."""
    from django.conf import settings

    if not settings.configured:
        return MEMOIRE_PAR_DEFAUT
    return str(getattr(settings, "ESMS_DUCKDB_MEMOIRE", MEMOIRE_PAR_DEFAUT))


def fils_de_groupement(memoire: str | None = None) -> int | None:
    """DuckDB threads for the DUI grouping under the memory cap: one per `MO_PAR_FIL_DE_GROUPEMENT`, at least
    one, at most the machine's cores; None (DuckDB's default) when the cap is not understood."""
    trouve = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?i?b)\s*", memoire or memoire_duckdb(), re.IGNORECASE)
    if trouve is None:
        return None
    mo = float(trouve.group(1)) * _UNITES_MO[trouve.group(2).lower()]
    return max(1, min(os.cpu_count() or 1, int(mo // MO_PAR_FIL_DE_GROUPEMENT)))


def ouvrir(chemin: Path, *, nom: str, format: str, threads: int | None = None) -> Source:
    """Open `chemin` (already identified as `format`) in a new in-memory DuckDB connection."""
    temporaire = Path(tempfile.gettempdir()) / "esms-duckdb"
    temporaire.mkdir(exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "temp_directory": str(temporaire), "memory_limit": memoire_duckdb()}
    if threads:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    try:
        {"csv": _ouvrir_csv, "parquet": _ouvrir_parquet, "ndjson": _ouvrir_ndjson}[format](con, chemin, nom)
        horodatage = ("horodatage" if format == "parquet" and _type_horodatage(con) != "VARCHAR" else
                      f"CASE WHEN regexp_matches(horodatage, '{_OFFSET}') THEN try_cast(horodatage AS TIMESTAMPTZ) END")
        # Parquet is read in place (columnar, with statistics); a CSV or NDJSON file is parsed once into a
        # temporary table (DuckDB spills it to disk when large), so that both passes do not parse it again.
        objet = "VIEW" if format == "parquet" else "TEMP TABLE"
        try:
            con.execute(f"""
                CREATE {objet} evenements AS SELECT
                    usager, finess_et, {horodatage} AS horodatage, type_evenement, role_auteur,
                    CAST(horodatage AS VARCHAR) AS horodatage_brut
                FROM source""")  # noqa: S608 (constants only)
        except duckdb.Error as exc:
            raise traduire_erreur_duckdb(nom, exc) from None
    except BaseException:
        con.close()
        raise
    return Source(con=con, nom=nom, format=format, premiere_ligne=2 if format == "csv" else 1)


def _type_horodatage(con: duckdb.DuckDBPyConnection) -> str:
    return next(t for n, t, *_ in con.execute("DESCRIBE source").fetchall() if n == "horodatage")
