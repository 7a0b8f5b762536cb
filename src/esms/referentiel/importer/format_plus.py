"""FINESS+ « Structures » flow (ANS, data.gouv.fr, JSON, gzip or plain): streamed, checked record by record.

Layout (`donnees/schema-structures-v1.json`, the published JSON Schema): top-level `schemaVersion`,
`generatedAt`, `gcc[]`, `gco[]`, `pmej[]`; each PMEJ (entité juridique) nests its EGE (établissements).

Streaming — the file is never loaded whole: `ijson` (the maintained iterative JSON parser, with its yajl2 C
backend) yields one PMEJ at a time (`ijson.items(…, "pmej.item")`), so memory holds one entity plus the
output rows. The small top-level parts (`schemaVersion`, `generatedAt`, `gcc`, `gco`) are read by an event pass
that stops at `pmej` when they come first (as in the published files), else by one more pass after it.

Checks, per record, before anything is written:
1. the published schema, compiled once by `jsonschema_rs` (a Rust validator: the national snapshot's 47 000
   PMEJ are checked in well under a second, where pure-Python validators take ten times longer); the first
   violation of a record becomes an anomaly located by its JSON path (`pmej[1234].ege[2]…numFinessEge`);
2. the platform's rules and the conversion into table rows (`plus_lignes`): FINESS key, known département and
   category, dates, field lengths, no duplicate; territories without an ARS in the platform (Wallis-et-Futuna,
   Saint-Pierre-et-Miquelon, the Pacific) are counted out of scope, not errors.
"""

from __future__ import annotations

import gc
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import ijson
import jsonschema_rs

from esms.referentiel.erreurs import Anomalie, ErreurImport, FichierIntrouvable
from esms.referentiel.importer.format_commun import Contexte, lire_date
from esms.referentiel.importer.plus_lignes import COLONNES_EJ, COLONNES_ET, Analyseur, ExtraitPlus, texte

__all__ = ["COLONNES_EJ", "COLONNES_ET", "ExtraitPlus", "analyser", "est_finess_plus", "nature_du_fichier"]

SCHEMA = Path(__file__).resolve().parents[1] / "donnees" / "schema-structures-v1.json"
NATURES = ("instantane", "flux")


@cache
def validateurs() -> dict[str, Any]:
    """One compiled validator per record kind (pmej, gcc, gco item), from the published schema."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return {cle: jsonschema_rs.validator_for({**schema["properties"][cle]["items"],
                                              "definitions": schema["definitions"]})
            for cle in ("pmej", "gcc", "gco")}


# ---------------------------------------------------------------------------------------------------------------
# Reading


@contextmanager
def ouvrir(chemin: Path) -> Iterator[Any]:
    """The file as a binary stream, gunzipped on the fly when it starts with the gzip magic number."""
    try:
        brut = open(chemin, "rb")  # noqa: SIM115 — closed below
    except FileNotFoundError as exc:
        raise FichierIntrouvable(f"Fichier FINESS introuvable : {chemin}") from exc
    try:
        if brut.read(2) == b"\x1f\x8b":
            brut.seek(0)
            with gzip.GzipFile(fileobj=brut) as flux:
                yield flux
        else:
            brut.seek(0)
            yield brut
    except (OSError, EOFError) as exc:
        raise ErreurImport(Anomalie(0, "(fichier)", "", f"archive gzip illisible ou tronquée ({exc})")) from exc
    except ijson.JSONError as exc:
        raise ErreurImport(Anomalie(0, "(fichier)", "", f"JSON invalide : {exc}")) from exc
    finally:
        brut.close()


def est_finess_plus(chemin: Path) -> bool:
    """True when the file's first non-blank byte (after gunzip) opens a JSON object."""
    with ouvrir(chemin) as flux:
        debut = flux.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return debut[:1] == b"{"


def _entete(chemin: Path) -> tuple[dict[str, Any], bool]:
    """Top-level scalars, gcc and gco read until `pmej` starts; and whether gcc/gco may come after it."""
    valeurs: dict[str, Any] = {}
    with ouvrir(chemin) as flux:
        evenements = ijson.parse(flux)
        for prefixe, evenement, valeur in evenements:
            if prefixe == "" and evenement == "start_map":
                continue
            if prefixe == "" and evenement != "map_key":
                raise ErreurImport(Anomalie(0, "(racine)", "", "le fichier n'est pas un objet JSON FINESS+"))
            if evenement == "map_key" and prefixe == "":
                if valeur == "pmej":
                    return valeurs, True
                continue
            if prefixe in ("schemaVersion", "generatedAt"):
                valeurs[prefixe] = valeur
            elif prefixe in ("gcc", "gco") and evenement == "start_array":
                valeurs[prefixe] = list(_objets(evenements, prefixe))
    return valeurs, False


def _objets(evenements, prefixe: str) -> Iterator[Any]:
    """The items of the array starting at `prefixe`, built from the remaining events of the same parser."""
    constructeur = None
    profondeur = 0
    article = f"{prefixe}.item"
    for courant, evenement, valeur in evenements:
        if courant == prefixe and evenement == "end_array":
            return
        if constructeur is None:
            constructeur = ijson.ObjectBuilder()
            profondeur = 0
        constructeur.event(evenement, valeur)
        if evenement in ("start_map", "start_array"):
            profondeur += 1
        elif evenement in ("end_map", "end_array"):
            profondeur -= 1
        if profondeur == 0 and courant.startswith(article):
            yield constructeur.value
            constructeur = None


# ---------------------------------------------------------------------------------------------------------------
# Checks


def _chemin(racine: str, elements) -> str:
    texte = racine
    for element in elements:
        texte += f"[{element}]" if isinstance(element, int) else f".{element}"
    return texte


_TYPES = {"string": "chaîne", "object": "objet", "array": "tableau", "number": "nombre", "integer": "entier",
          "boolean": "booléen", "null": "null"}


def _message_schema(erreur) -> tuple[str, str]:
    """(path suffix, French message) of one jsonschema_rs error."""
    genre = erreur.kind
    nom = type(genre).__name__
    valeur = erreur.instance
    if nom == "Required":
        return f".{genre.property}", f"propriété obligatoire « {genre.property} » absente (schéma FINESS+)"
    if nom == "Type":
        attendus = " ou ".join(_TYPES.get(str(t).split(".")[-1].lower(), str(t)) for t in genre.types)
        return "", f"type incorrect : « {str(valeur)[:40]} » (attendu {attendus}, schéma FINESS+)"
    if nom == "Pattern":
        return "", f"valeur « {str(valeur)[:40]} » non conforme au format {genre.pattern} (schéma FINESS+)"
    if nom in ("MinLength", "MaxLength"):
        sens = "au moins" if nom == "MinLength" else "au plus"
        return "", (f"valeur « {str(valeur)[:40]} » de {len(str(valeur))} caractère(s), attendu {sens} "
                    f"{genre.limit} (schéma FINESS+)")
    if nom == "AdditionalProperties":
        return "", f"propriété(s) non prévue(s) par le schéma FINESS+ : {', '.join(genre.unexpected)}"
    if nom == "Enum":
        return "", f"valeur « {str(valeur)[:40]} » hors de la liste prévue par le schéma FINESS+"
    return "", f"valeur non conforme au schéma FINESS+ (règle {nom})"


def erreur_schema(validateur, objet: Any, racine: str) -> Anomalie | None:
    """The first schema violation of one record, located, or None (fast path: `is_valid` in Rust)."""
    if validateur.is_valid(objet):
        return None
    erreur = next(iter(validateur.iter_errors(objet)))
    suffixe, message = _message_schema(erreur)
    valeur = erreur.instance if isinstance(erreur.instance, str) else ""
    return Anomalie(0, _chemin(racine, erreur.instance_path) + suffixe, valeur[:200], message)


def _groupes(entete: dict, extrait: ExtraitPlus) -> None:
    validateur = validateurs()
    for cle in ("gcc", "gco"):
        for rang, groupe in enumerate(entete.get(cle) or []):
            if (anomalie := erreur_schema(validateur[cle], groupe, f"{cle}[{rang}]")) is not None:
                extrait.anomalies.append(anomalie)
                continue
            if cle == "gcc":
                extrait.groupes.append({
                    "identifiant": f"GCC-{groupe['gccId']}", "type_groupe": "GCC", "nom": texte(groupe["nomGcc"]),
                    "code_type": groupe["typeGcc"], "identifiant_externe": groupe["gccIdentifiantExterne"],
                    "pm_smsse_id": "", "ouvert": groupe["etatObjet"] == "A",
                    "membres": [(m.get("pmSmsseId", ""), "", m.get("typeRoleEntiteGroupe", ""))
                                for m in groupe.get("pmejDuGcc") or []]
                               + [(m.get("pmSmsseId", ""), m.get("egeId", ""), m.get("typeRoleEntiteGroupe", ""))
                                  for m in groupe.get("egeDuGcc") or []]})
            else:
                extrait.groupes.append({
                    "identifiant": f"GCO-{groupe['pmSmsseId']}", "type_groupe": "GCO", "nom": "",
                    "code_type": groupe["typeGco"], "identifiant_externe": "", "pm_smsse_id": groupe["pmSmsseId"],
                    "ouvert": True,
                    "membres": [(m.get("pmSmsseId", ""), "", m.get("typeRoleEntiteGroupe", ""))
                                for m in groupe.get("pmejDuGco") or []]
                               + [(m.get("pmSmsseId", ""), m.get("egeId", ""), m.get("typeRoleEntiteGroupe", ""))
                                  for m in groupe.get("egeDuGco") or []]})


@contextmanager
def _ramasse_miettes_en_pause() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while records become rows: the parsed records hold no cycles
    (reference counting frees them) and the collector's passes over the growing row lists are pure overhead."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


def analyser(chemin: Path, contexte: Contexte) -> ExtraitPlus:
    """Stream the file once (plus a short header pass), check every record, return the rows and anomalies."""
    entete, avant_pmej = _entete(chemin)
    extrait = ExtraitPlus()
    if not avant_pmej:
        raise ErreurImport(Anomalie(0, "pmej", "", "propriété obligatoire « pmej » absente (schéma FINESS+)"))
    analyseur = Analyseur(contexte, extrait)
    validateur = validateurs()["pmej"]
    with ouvrir(chemin) as flux, _ramasse_miettes_en_pause():
        for rang, entite in enumerate(ijson.items(flux, "pmej.item")):
            extrait.nb_pmej += 1
            if (anomalie := erreur_schema(validateur, entite, f"pmej[{rang}]")) is not None:
                extrait.anomalies.append(anomalie)
                if isinstance(entite, dict):
                    for ege in entite.get("ege") or []:
                        if isinstance(ege, dict) and isinstance(ege.get("informationsGeneralesEGE"), dict):
                            extrait.numeros_rejetes.add(str(ege["informationsGeneralesEGE"].get("numFinessEge")))
                continue
            analyseur.pmej(rang, entite)
    for cle in ("gcc", "gco"):
        if cle not in entete:  # written after pmej, or absent (optional): one more pass for a small array
            with ouvrir(chemin) as flux:
                entete[cle] = list(ijson.items(flux, f"{cle}.item"))
    _groupes(entete, extrait)
    extrait.version_schema = str(entete.get("schemaVersion") or "")
    extrait.genere_le = str(entete.get("generatedAt") or "")
    genere = lire_date(extrait.genere_le[:10])
    if not isinstance(genere, date):
        raise ErreurImport(Anomalie(0, "generatedAt", extrait.genere_le,
                                    "horodatage de génération absent ou invalide (attendu AAAA-MM-JJTHH:MM:SSZ)"))
    extrait.date_extraction = genere
    return extrait


def nature_du_fichier(nom: str) -> str:
    """The kind from the published file names (`…-journalier-…`, `…-mensuel-…`, `…-annuel-…`); a daily flow
    when the name says nothing: the safe choice, since a flow never closes establishments by absence."""
    nom = nom.lower()
    return "instantane" if any(mot in nom for mot in ("mensuel", "annuel", "complet", "stock")) else "flux"
