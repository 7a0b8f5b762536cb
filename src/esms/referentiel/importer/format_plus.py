"""FINESS+ « Structures » flow (ANS, data.gouv.fr, JSON, gzip or plain): streamed, checked record by record.

Layout (`donnees/schema-structures-v1.json`, the published JSON Schema): top-level `schemaVersion`,
`generatedAt`, `gcc[]`, `gco[]`, `pmej[]`; each PMEJ (entité juridique) nests its EGE (établissements).

Streaming — the file is never loaded whole: `json_flux.LecteurObjet` reads it once, by blocks, handing the
PMEJ one at a time (memory holds one block and one entity plus the output rows) and keeping the small top-level
members (`schemaVersion`, `generatedAt`, `gcc`, `gco`) wherever they stand.

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

import jsonschema_rs

from esms.referentiel.erreurs import Anomalie, ErreurImport, FichierIntrouvable
from esms.referentiel.importer.format_commun import Contexte, lire_date
from esms.referentiel.importer.json_flux import ErreurJson, LecteurObjet
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
    finally:
        brut.close()


def est_finess_plus(chemin: Path) -> bool:
    """True when the file's first non-blank byte (after gunzip) opens a JSON object."""
    with ouvrir(chemin) as flux:
        debut = flux.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return debut[:1] == b"{"


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
        groupes = entete.get(cle) or []
        if not isinstance(groupes, list):
            extrait.anomalies.append(Anomalie(0, cle, "", f"la propriété « {cle} » doit être un tableau (schéma FINESS+)"))
            continue
        for rang, groupe in enumerate(groupes):
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
    """Stream the file once, check every record, return the rows and anomalies."""
    extrait = ExtraitPlus()
    analyseur = Analyseur(contexte, extrait)
    validateur = validateurs()["pmej"]
    dans_pmej = False

    def lire_pmej(articles: Iterator[Any]) -> None:
        nonlocal dans_pmej
        dans_pmej = True
        for rang, entite in enumerate(articles):
            extrait.nb_pmej += 1
            if (anomalie := erreur_schema(validateur, entite, f"pmej[{rang}]")) is not None:
                extrait.anomalies.append(anomalie)
                if isinstance(entite, dict):
                    for ege in entite.get("ege") or []:
                        if isinstance(ege, dict) and isinstance(ege.get("informationsGeneralesEGE"), dict):
                            extrait.numeros_rejetes.add(str(ege["informationsGeneralesEGE"].get("numFinessEge")))
                continue
            analyseur.pmej(rang, entite)
        dans_pmej = False

    with ouvrir(chemin) as flux, _ramasse_miettes_en_pause():
        if flux.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
            raise ErreurImport(Anomalie(0, "(racine)", "", "le fichier n'est pas un objet JSON FINESS+"))
        flux.seek(0)
        try:
            entete = LecteurObjet(flux).membres("pmej", lire_pmej)
        except ErreurJson as exc:
            raise ErreurImport(Anomalie(0, f"pmej[{extrait.nb_pmej}]" if dans_pmej else "(fichier)", "",
                                        str(exc))) from exc
    if "pmej" not in entete:
        raise ErreurImport(Anomalie(0, "pmej", "", "propriété obligatoire « pmej » absente (schéma FINESS+)"))
    if entete["pmej"] is not True:
        raise ErreurImport(Anomalie(0, "pmej", "", "la propriété « pmej » doit être un tableau (schéma FINESS+)"))
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
