"""Recomputing the active DUIs of an evidence file, with every check, in one pass over the events.

`recompter(chemin, nom=…, definition=…, finess_autorises=…)` is the one function used by the web upload,
the vendors' API and `esms usages recompute`. It refuses (PreuveInvalide, IdentifiantsDirects) with the
first offending line located in the file — line number for CSV and NDJSON, record number for Parquet,
with the offending value — and otherwise returns the counts per establishment.

Two passes over the events (`requete.sql_controle`, cheap and ungrouped, then the DUI-actif query
`requete.sql_bilan` with the identifier guard on the distinct user files). Locating a line re-reads the
events single-threaded with a row number: that slow path runs only when the file is refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from esms.rules.dui_actif import TYPES_EVENEMENT, DefinitionDuiActif
from esms.rules.finess import erreur_numero_finess
from esms.usages.erreurs import IdentifiantsDirects, PreuveInvalide
from esms.usages.preuves import identifiants, lecture, requete
from esms.usages.preuves.format import format_du_fichier


@dataclass(frozen=True)
class Recalcul:
    format: str
    nb_evenements: int
    nb_dui: int
    par_etablissement: dict[str, int]  # FINESS ET → active DUIs

    @property
    def total(self) -> int:
        return sum(self.par_etablissement.values())


def detecter_format(chemin: Path, nom: str) -> str:
    taille = chemin.stat().st_size
    if taille == 0:
        raise PreuveInvalide(f"{nom} : le fichier est vide.")
    with open(chemin, "rb") as fichier:
        debut = fichier.read(16)
    format_ = format_du_fichier(nom, debut)
    if format_ is None:
        raise PreuveInvalide(
            f"{nom} : format non reconnu (attendu : .csv en UTF-8, .parquet, ou .ndjson de ressources FHIR AuditEvent ; "
            "l'extension doit correspondre au contenu)."
        )
    return format_


def _nombre(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _localiser(source: lecture.Source, condition: str) -> tuple[str, tuple] | None:
    """The place (« ligne 12 » / « enregistrement n° 12 ») and values of the first row matching `condition`."""
    source.con.execute("SET threads = 1")
    ligne = source.con.execute(f"""
        SELECT rang, usager, finess_et, horodatage_brut, type_evenement, role_auteur FROM (
            SELECT row_number() OVER () AS rang, * FROM evenements) WHERE {condition} ORDER BY rang LIMIT 1
    """).fetchone()  # noqa: S608 (conditions are the module's own)
    if ligne is None:
        return None
    rang = int(ligne[0])
    lieu = f"enregistrement n° {rang}" if source.format == "parquet" else f"ligne {rang + source.premiere_ligne - 1}"
    return lieu, ligne[1:]


def _refuser(source: lecture.Source, condition: str, colonne: str, message: str, nombre: int,
             classe: type[PreuveInvalide] = PreuveInvalide) -> None:
    trouve = _localiser(source, condition)
    autres = f" ({_nombre(nombre - 1)} autre(s) ligne(s) dans ce cas)" if nombre > 1 else ""
    if trouve is None:
        raise classe(f"{source.nom}, colonne « {colonne} » : {message.format(valeur='?')}{autres}.")
    lieu, valeurs = trouve
    valeur = dict(zip(("usager", "finess_et", "horodatage", "type_evenement", "role_auteur"), valeurs, strict=True))[colonne]
    raise classe(f"{source.nom}, {lieu}, colonne « {colonne} » : {message.format(valeur=valeur)}{autres}.")


@dataclass(frozen=True)
class Bilan:
    """What the two passes found: active DUIs per establishment, DUIs, events and every problem count."""

    dui_actifs: dict[str, int]
    nb_dui: int
    identifiants: int
    controle: dict[str, int]  # sql_controle's columns: nb_evenements, nb_usagers_vides, nb_<classe>…


def conditions_identifiants(definition: DefinitionDuiActif) -> dict[str, str]:
    """Per column, the rows whose value is or contains a direct identifier. `usager` is checked on its distinct
    values (in the DUI grouping); `role_auteur` on every row past a cheap length test; `horodatage` and
    `type_evenement` only on the values that are refused anyway (a valid timestamp or a known event type holds
    no identifier), so that no refusal message ever repeats an identifier; `finess_et` on the distinct numbers."""
    conditions = requete.conditions(definition)
    return {
        "usager": identifiants.predicat_complet_sql("usager"),
        "role_auteur": identifiants.predicat_complet_sql("role_auteur"),
        "horodatage": identifiants.seulement_si(conditions["horodatage"],
                                                identifiants.predicat_complet_sql("horodatage_brut")),
        "type_evenement": identifiants.seulement_si(conditions["type_evenement"],
                                                    identifiants.predicat_complet_sql("type_evenement")),
    }


def _colonnes_gardees(source: lecture.Source) -> tuple[str, ...]:
    """The columns checked row by row. A typed Parquet timestamp holds no text, hence no identifier."""
    horodatage_texte = source.format != "parquet" or lecture._type_horodatage(source.con) == "VARCHAR"
    return ("role_auteur", "horodatage", "type_evenement") if horodatage_texte else ("role_auteur", "type_evenement")


def _ligne(curseur: Any) -> tuple[Any, ...]:
    """The one row of an aggregate query (an aggregate always answers one row)."""
    ligne = curseur.fetchone()
    if ligne is None:
        raise RuntimeError("DuckDB n'a rendu aucune ligne pour une requête d'agrégat.")
    return tuple(ligne)


def _bilan(source: lecture.Source, definition: DefinitionDuiActif, fils: int | None) -> Bilan:
    gardes = conditions_identifiants(definition)
    identifiant = f",\n       count_if({gardes['usager']}) AS nb_identifiants"
    autres = "".join(f",\n       count_if({gardes[c]}) AS nb_identifiants_{c}" for c in _colonnes_gardees(source))
    try:
        curseur = source.con.execute(requete.sql_controle(definition, controles=autres))
        controle = dict(zip([c[0] for c in curseur.description], (int(v or 0) for v in _ligne(curseur)), strict=True))
        if fils is not None:  # the grouping's hash tables, one per thread, must fit under the memory cap
            source.con.execute(f"SET threads = {int(fils)}")
        lignes = source.con.execute(requete.sql_bilan(definition, controles=identifiant)).fetchall()
    except duckdb.Error as exc:
        raise lecture.traduire_erreur_duckdb(source.nom, exc) from None
    return Bilan(dui_actifs={str(ligne[0]): int(ligne[1] or 0) for ligne in lignes if ligne[0] is not None},
                 nb_dui=sum(int(ligne[2] or 0) for ligne in lignes),
                 identifiants=sum(int(ligne[3] or 0) for ligne in lignes), controle=controle)


def _messages(definition: DefinitionDuiActif) -> dict[str, str]:
    return {
        "horodatage": "« {valeur} » n'est pas une date et heure ISO 8601 avec décalage horaire (ex. 2024-09-15T18:30:00+02:00)",
        "type_evenement": f"type « {{valeur}} » inconnu (attendu : {', '.join(TYPES_EVENEMENT)})",
        "role_auteur": "rôle de l'auteur manquant (ou précédé d'une espace)",
        "periode": (f"l'événement du {{valeur}} est hors de la période déclarée ({definition.debut:%d/%m/%Y} – "
                    f"{definition.fin:%d/%m/%Y})"),
    }


def _controler(source: lecture.Source, bilan: Bilan, definition: DefinitionDuiActif,
               finess_autorises: Collection[str] | None) -> None:
    controle, conditions, messages = bilan.controle, requete.conditions(definition), _messages(definition)
    if controle["nb_evenements"] == 0:
        raise PreuveInvalide(f"{source.nom} : le fichier ne contient aucun événement.")
    gardes = conditions_identifiants(definition)
    refus_identifiant = ("la valeur est ou contient un identifiant direct (NIR ou INS avec une clé valide, ou date de "
                         "naissance) ; les preuves ne doivent contenir que des identifiants pseudonymisés. Rien n'a été "
                         "enregistré")
    if bilan.identifiants:
        _refuser(source, gardes["usager"], "usager", refus_identifiant, bilan.identifiants, IdentifiantsDirects)
    for colonne in _colonnes_gardees(source):
        if controle[f"nb_identifiants_{colonne}"]:
            _refuser(source, gardes[colonne], colonne, refus_identifiant, controle[f"nb_identifiants_{colonne}"],
                     IdentifiantsDirects)
    _controler_finess(source, bilan, refus_identifiant)
    if controle["nb_usagers_vides"]:
        _refuser(source, "usager IS NULL OR usager < '!'", "usager",
                 "identifiant du dossier usager manquant (ou précédé d'une espace)",
                 controle["nb_usagers_vides"])
    if controle["nb_finess_vides"]:
        _refuser(source, "finess_et IS NULL OR finess_et < '!'", "finess_et", "FINESS manquant (ou précédé d'une espace)",
                 controle["nb_finess_vides"])
    for classe in ("horodatage", "type_evenement", "role_auteur"):
        if controle[f"nb_{classe}"]:
            _refuser(source, conditions[classe], classe, messages[classe], controle[f"nb_{classe}"])
    if finess_autorises is not None:
        autorises = set(finess_autorises)
        etrangers = sorted(f for f in bilan.dui_actifs if f not in autorises)
        if etrangers:
            source.con.execute("CREATE TEMP TABLE etrangers AS SELECT unnest(?::VARCHAR[]) AS finess", [etrangers])
            condition = "finess_et IN (SELECT finess FROM etrangers)"
            nombre = _ligne(source.con.execute(f"SELECT count(*) FROM evenements WHERE {condition}"))[0]  # noqa: S608
            _refuser(source, condition, "finess_et",
                     f"l'établissement {{valeur}} n'est pas membre de la grappe du dossier ({len(etrangers)} FINESS "
                     f"hors grappe : {', '.join(etrangers[:5])}{'…' if len(etrangers) > 5 else ''})", int(nombre))
    if controle["nb_periode"]:
        _refuser(source, conditions["periode"], "horodatage", messages["periode"], controle["nb_periode"])


def _refuser_liste(source: lecture.Source, valeurs: list[str], nom_table: str, message: str,
                   classe: type[PreuveInvalide] = PreuveInvalide) -> None:
    source.con.execute(f"CREATE TEMP TABLE {nom_table} AS SELECT unnest(?::VARCHAR[]) AS finess", [valeurs])
    condition = f"finess_et IN (SELECT finess FROM {nom_table})"  # noqa: S608 (the module's own table names)
    nombre = _ligne(source.con.execute(f"SELECT count(*) FROM evenements WHERE {condition}"))[0]  # noqa: S608
    _refuser(source, condition, "finess_et", message, int(nombre), classe)


def _controler_finess(source: lecture.Source, bilan: Bilan, refus_identifiant: str) -> None:
    """The distinct FINESS numbers (a few thousand at most): no identifier, a valid format and key."""
    numeros = sorted(bilan.dui_actifs)
    identifiants_finess = [n for n in numeros if identifiants.motif_identifiant(n) or identifiants.nir_contenu(n)]
    if identifiants_finess:
        _refuser_liste(source, identifiants_finess, "finess_identifiants", refus_identifiant, IdentifiantsDirects)
    invalides = {n: erreur for n in numeros if (erreur := erreur_numero_finess(n.strip()))}
    if invalides:
        premier = next(iter(invalides.values()))
        _refuser_liste(source, list(invalides), "finess_invalides",
                       f"numéro FINESS « {{valeur}} » invalide ({premier} ; {len(invalides)} numéro(s) invalide(s) "
                       "dans le fichier)")


def recompter(chemin: Path, *, nom: str, definition: DefinitionDuiActif,
              finess_autorises: Collection[str] | None = None, threads: int | None = None) -> Recalcul:
    """Check the evidence file and count its active DUIs per establishment under `definition`."""
    format_ = detecter_format(chemin, nom)
    source = lecture.ouvrir(chemin, nom=nom, format=format_, threads=threads)
    try:
        bilan = _bilan(source, definition, threads or lecture.fils_de_groupement())
        _controler(source, bilan, definition, finess_autorises)
    finally:
        source.con.close()
    return Recalcul(format=format_, nb_evenements=bilan.controle["nb_evenements"], nb_dui=bilan.nb_dui,
                    par_etablissement=bilan.dui_actifs)
