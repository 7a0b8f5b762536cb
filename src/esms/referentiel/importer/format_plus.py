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
2. the platform's rules: FINESS key (`esms.rules.finess`, Corsican key included), known département (from
   the number) and category, dates, field lengths, no duplicate.
A rejected PMEJ rejects its EGE too (they would have no organisme). Records of territories without an ARS in
the platform (Wallis-et-Futuna, Saint-Pierre-et-Miquelon, the Pacific) are counted out of scope, not errors.

Output rows follow `format_et.COLONNES` (+ `ouvert`, `ferme_le`, `evenements`) and `COLONNES_EJ`, so the
set-based write path is the Etalab one. Coordinates: `directionLatitude`/`directionLongitude` are WGS84; the
Lambert-93 pair is stored as (easting, northing), i.e. (`coordonneeY`, `coordonneeX`): FINESS+ swaps them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import ijson
import jsonschema_rs

from esms.referentiel.erreurs import Anomalie, ErreurImport, FichierIntrouvable
from esms.referentiel.importer import format_et
from esms.referentiel.importer.format_commun import Contexte, VerificateurNumeros, champ_trop_long, lire_date
from esms.referentiel.models import Etablissement, OrganismeGestionnaire
from esms.referentiel.normalisation import cle_recherche
from esms.rules.finess import departement_du_numero, territoire_sans_ars

SCHEMA = Path(__file__).resolve().parents[1] / "donnees" / "schema-structures-v1.json"
COLONNES_ET = (*format_et.COLONNES, "ouvert", "ferme_le", "evenements")
COLONNES_EJ = (
    "finess_ej", "raison_sociale", "raison_sociale_longue", "adresse", "ligne_acheminement", "departement_id",
    "code_commune", "telephone", "statut_juridique_id", "siren", "code_ape", "date_creation", "nom_recherche",
    "empreinte", "ouvert", "date_fermeture", "pm_smsse_id",
)
VERSION_EMPREINTE = "plus1"
NATURES = ("instantane", "flux")


@cache
def validateurs() -> dict[str, Any]:
    """One compiled validator per record kind (pmej, gcc, gco item), from the published schema."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return {cle: jsonschema_rs.validator_for({**schema["properties"][cle]["items"],
                                              "definitions": schema["definitions"]})
            for cle in ("pmej", "gcc", "gco")}


@dataclass
class ExtraitPlus:
    version_schema: str = ""
    genere_le: str = ""
    date_extraction: date | None = None
    nb_pmej: int = 0
    nb_ege: int = 0
    lignes: list[tuple] = field(default_factory=list)  # ET rows, COLONNES_ET order
    organismes_lignes: list[tuple] = field(default_factory=list)  # EJ rows, COLONNES_EJ order
    groupes: list[dict] = field(default_factory=list)
    anomalies: list[Anomalie] = field(default_factory=list)
    numeros_rejetes: set[str] = field(default_factory=set)
    ej_rejetes: set[str] = field(default_factory=set)
    organismes: set[str] = field(default_factory=set)
    hors_perimetre: dict[str, int] = field(default_factory=dict)  # territory → establishments
    hors_perimetre_ej: int = 0

    @property
    def nb_lignes(self) -> int:
        return self.nb_ege


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


def _texte(valeur: Any) -> str:
    return valeur.strip() if isinstance(valeur, str) else ""


def _adresse(adresses: list[dict], usage: str) -> dict:
    return next((a for a in adresses if a.get("usageAdresse") == usage), adresses[0] if adresses else {})


def _telecom(contacts: list[dict]) -> dict:
    return next((c.get("telecom") or {} for c in contacts if c.get("telecom")), {})


def _empreinte(valeurs) -> str:
    return hashlib.blake2b("\x1f".join([VERSION_EMPREINTE, *["" if v is None else str(v) for v in valeurs]])
                           .encode(), digest_size=16).hexdigest()


def _nombre(valeur: Any) -> float | None:
    try:
        nombre = float(valeur)
    except (TypeError, ValueError):
        return None
    return nombre if -1e8 < nombre < 1e8 else None


class _Analyseur:
    """Turns one validated PMEJ (and its EGE) into rows, or anomalies."""

    def __init__(self, contexte: Contexte, extrait: ExtraitPlus) -> None:
        self.extrait = extrait
        self.numeros = VerificateurNumeros()
        self.categories = contexte.categories
        self.statuts = contexte.statuts
        self.regions = {insee: region for insee, region in contexte.departements.values()}
        self.vus_et: dict[str, str] = {}
        self.vus_ej: dict[str, str] = {}
        self.longueurs_et = {f.attname: f.max_length for f in Etablissement._meta.concrete_fields
                             if getattr(f, "max_length", None)}
        self.longueurs_ej = {f.attname: f.max_length for f in OrganismeGestionnaire._meta.concrete_fields
                             if getattr(f, "max_length", None)}

    def anomalie(self, chemin: str, valeur: Any, message: str) -> None:
        self.extrait.anomalies.append(Anomalie(0, chemin, str(valeur or "")[:200], message))

    def _date(self, chemin: str, valeur: Any) -> str | None:
        texte = _texte(valeur)[:10]
        lue = lire_date(texte)
        if isinstance(lue, str):
            self.anomalie(chemin, valeur, lue)
            return None
        return texte or None

    def _longueurs(self, chemin: str, valeurs: dict[str, str], maximums: dict[str, int | None]) -> None:
        for nom, valeur in valeurs.items():
            maximum = maximums.get(nom)
            if maximum and valeur and len(valeur) > maximum:
                self.anomalie(f"{chemin}({nom})", valeur, champ_trop_long(valeur, maximum))

    def _departement(self, chemin: str, numero: str) -> tuple[str, str] | None:
        insee = departement_du_numero(numero)
        region = self.regions.get(insee or "")
        if insee is None or region is None:
            self.anomalie(chemin, numero, f"département « {insee or numero[:2]} » du numéro FINESS {numero} "
                                          "inconnu du référentiel")
            return None
        return insee, region

    def pmej(self, rang: int, entite: dict) -> None:
        racine = f"pmej[{rang}]"
        infos = entite["informationsGeneralesPMEJ"]
        numero = infos["numFinessPm"]
        eges = entite.get("ege") or []
        adresse = _adresse(entite.get("adresse") or [], "02")
        if territoire_sans_ars(numero, _texte(adresse.get("cogCommune"))):
            self.extrait.hors_perimetre_ej += 1
            for rang_ege, ege in enumerate(eges):
                self.ege(f"{racine}.ege[{rang_ege}]", ege, numero, hors_perimetre=True)
            return
        avant = len(self.extrait.anomalies)
        chemin_numero = f"{racine}.informationsGeneralesPMEJ.numFinessPm"
        if erreur := self.numeros.erreur(numero):
            self.anomalie(chemin_numero, numero, erreur)
        elif numero in self.vus_ej:
            self.anomalie(chemin_numero, numero, f"entité juridique {numero} en double (déjà {self.vus_ej[numero]})")
        departement = None if erreur else self._departement(chemin_numero, numero)
        statut = _texte(infos.get("statutJuridique"))
        valeurs = {
            "raison_sociale": _texte(infos.get("denominationPm")),
            "raison_sociale_longue": _texte(infos.get("denominationLonguePmSmsse")),
            "adresse": " ".join(filter(None, (_texte(adresse.get(c)) for c in
                                              ("numeroVoie", "typeVoie", "complementVoie", "libelleVoie",
                                               "lieuDit")))),
            "ligne_acheminement": " ".join(filter(None, (_texte(adresse.get("codePostal")),
                                                         _texte(adresse.get("ligneAcheminement"))))),
            "code_commune": _texte(adresse.get("cogCommune")),
            "telephone": _texte(_telecom(entite.get("contact") or []).get("telephone")),
            "siren": _texte(infos.get("siren")), "code_ape": _texte(infos.get("codeApe")),
            "pm_smsse_id": _texte(infos.get("pmSmsseId")),
        }
        self._longueurs(f"{racine}.informationsGeneralesPMEJ", valeurs, self.longueurs_ej)
        creation = self._date(f"{racine}.informationsGeneralesPMEJ.dateCreation", infos.get("dateCreation"))
        fermeture = self._date(f"{racine}.informationsGeneralesPMEJ.dateFermeture", infos.get("dateFermeture"))
        if len(self.extrait.anomalies) > avant:
            self.extrait.ej_rejetes.add(numero)
            for ege in eges:
                self.extrait.numeros_rejetes.add(_texte(ege["informationsGeneralesEGE"].get("numFinessEge")))
            return
        self.vus_ej[numero] = racine
        assert departement is not None
        ligne = (numero, valeurs["raison_sociale"], valeurs["raison_sociale_longue"], valeurs["adresse"],
                 valeurs["ligne_acheminement"], departement[0], valeurs["code_commune"], valeurs["telephone"],
                 statut if statut in self.statuts else None, valeurs["siren"], valeurs["code_ape"], creation,
                 cle_recherche(f"{valeurs['raison_sociale']} {valeurs['raison_sociale_longue']}"))
        suite = (entite["etatObjet"] == "A", fermeture, valeurs["pm_smsse_id"])
        self.extrait.organismes_lignes.append((*ligne, _empreinte((*ligne, *suite)), *suite))
        for rang_ege, ege in enumerate(eges):
            self.ege(f"{racine}.ege[{rang_ege}]", ege, numero)

    def ege(self, racine: str, ege: dict, numero_ej: str, hors_perimetre: bool = False) -> None:
        self.extrait.nb_ege += 1
        infos = ege["informationsGeneralesEGE"]
        numero = infos["numFinessEge"]
        adresse = _adresse(ege.get("adresse") or [], "03")
        commune = _texte(adresse.get("cogCommune"))
        territoire = territoire_sans_ars(numero, commune) or (territoire_sans_ars(numero_ej) if hors_perimetre
                                                               else None)
        if territoire or hors_perimetre:
            cle = territoire or "hors périmètre"
            self.extrait.hors_perimetre[cle] = self.extrait.hors_perimetre.get(cle, 0) + 1
            return
        avant = len(self.extrait.anomalies)
        chemin_infos = f"{racine}.informationsGeneralesEGE"
        if erreur := self.numeros.erreur(numero):
            self.anomalie(f"{chemin_infos}.numFinessEge", numero, erreur)
        elif numero in self.vus_et:
            self.anomalie(f"{chemin_infos}.numFinessEge", numero,
                          f"établissement {numero} en double (déjà {self.vus_et[numero]})")
        departement = None if erreur else self._departement(f"{chemin_infos}.numFinessEge", numero)
        categorie = _texte(ege.get("categorieentiteGeographiqueExercice"))
        if categorie not in self.categories:
            self.anomalie(f"{racine}.categorieentiteGeographiqueExercice", categorie,
                          f"catégorie d'établissement inconnue de la nomenclature FINESS « {categorie} »")
        telecom = _telecom(ege.get("contact") or [])
        textes = {
            "raison_sociale": _texte(infos.get("nomEgeCourt")),
            "raison_sociale_longue": _texte(infos.get("nomEgeLong")),
            "complement_raison_sociale": _texte(infos.get("complementDenominationEg")),
            "complement_distribution": _texte(adresse.get("complementPointGeographique")),
            "numero_voie": _texte(adresse.get("numeroVoie")), "type_voie": _texte(adresse.get("typeVoie")),
            "voie": _texte(adresse.get("libelleVoie")), "complement_voie": _texte(adresse.get("complementVoie")),
            "lieu_dit_bp": _texte(adresse.get("lieuDit")),
            "ligne_acheminement": " ".join(filter(None, (_texte(adresse.get("codePostal")),
                                                         _texte(adresse.get("ligneAcheminement"))))),
            "telephone": _texte(telecom.get("telephone")), "telecopie": _texte(telecom.get("telecopie")),
            "siret": _texte(infos.get("siret")), "code_ape": "",
            "code_mft": _texte(ege.get("modefixationtarifaire")), "libelle_mft": "", "code_sph": "",
            "libelle_sph": "", "numero_uai": _texte(infos.get("numeroEducationNationale")),
        }
        if textes["siret"] and not (len(textes["siret"]) == 14 and textes["siret"].isdigit()):
            self.anomalie(f"{chemin_infos}.siret", textes["siret"],
                          f"SIRET invalide « {textes['siret']} » (attendu 14 chiffres)")
        self._longueurs(chemin_infos, textes, self.longueurs_et)
        ouverture = self._date(f"{chemin_infos}.dateOuverture", infos.get("dateOuverture"))
        autorisation = self._date(f"{chemin_infos}.datePremiereAutorisation", infos.get("datePremiereAutorisation"))
        maj = self._date(f"{racine}.dateDerniereMaj", ege.get("dateDerniereMaj"))
        fermeture = self._date(f"{chemin_infos}.dateFermeture", infos.get("dateFermeture"))
        if len(self.extrait.anomalies) > avant:
            self.extrait.numeros_rejetes.add(numero)
            return
        assert departement is not None
        self.vus_et[numero] = racine
        points = adresse.get("coordonneesGeographique") or {}
        ouvert = ege["etatObjet"] == "A"
        evenements = json.dumps([[e.get("codeEvenement"), e.get("dateEvenement")] for e in ege.get("evenement") or []],
                                separators=(",", ":"))
        valeurs = (numero, numero_ej, *textes.values(), commune, departement[0], departement[1], categorie,
                   ouverture, autorisation, maj,
                   _nombre(points.get("coordonneeY")), _nombre(points.get("coordonneeX")),  # FINESS+ swaps X/Y
                   "FINESS+ (Lambert-93, axes X/Y permutés dans le flux ; WGS84 fourni)" if points else "", None,
                   _nombre(points.get("directionLatitude")), _nombre(points.get("directionLongitude")))
        nom = textes["raison_sociale"] if textes["raison_sociale_longue"] in ("", textes["raison_sociale"]) else \
            f"{textes['raison_sociale']} {textes['raison_sociale_longue']}"
        suite = (ouvert, None if ouvert else (fermeture or maj), evenements)
        self.extrait.lignes.append((*valeurs, cle_recherche(nom), _empreinte((*valeurs, *suite)), *suite))
        self.extrait.organismes.add(numero_ej)


def _groupes(entete: dict, extrait: ExtraitPlus) -> None:
    validateur = validateurs()
    for cle in ("gcc", "gco"):
        for rang, groupe in enumerate(entete.get(cle) or []):
            if (anomalie := erreur_schema(validateur[cle], groupe, f"{cle}[{rang}]")) is not None:
                extrait.anomalies.append(anomalie)
                continue
            if cle == "gcc":
                extrait.groupes.append({
                    "identifiant": f"GCC-{groupe['gccId']}", "type_groupe": "GCC", "nom": _texte(groupe["nomGcc"]),
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


def analyser(chemin: Path, contexte: Contexte) -> ExtraitPlus:
    """Stream the file once (plus a short header pass), check every record, return the rows and anomalies."""
    entete, avant_pmej = _entete(chemin)
    extrait = ExtraitPlus()
    if not avant_pmej:
        raise ErreurImport(Anomalie(0, "pmej", "", "propriété obligatoire « pmej » absente (schéma FINESS+)"))
    analyseur = _Analyseur(contexte, extrait)
    validateur = validateurs()["pmej"]
    with ouvrir(chemin) as flux:
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
