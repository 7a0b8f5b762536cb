"""One schema-valid FINESS+ PMEJ (entité juridique) and its EGE (établissements) → table rows, or located anomalies.

The platform's own checks: FINESS key (`esms.rules.finess`, Corsican key included), known département (from the
number) and category, dates, field lengths, no duplicate. A rejected PMEJ rejects its EGE too (they would have
no organisme). Records of territories without an ARS in the platform are counted out of scope, not errors.

Rows follow `format_et.COLONNES` (+ `ouvert`, `ferme_le`, `evenements`) and `COLONNES_EJ`, so the set-based
write path is the Etalab one. Coordinates: `directionLatitude`/`directionLongitude` are WGS84; the Lambert-93
pair is stored as (easting, northing), i.e. (`coordonneeY`, `coordonneeX`): FINESS+ swaps them.

This runs once per record of a national snapshot (≈ 47 000 PMEJ, 95 000 EGE): fields are read in groups
(`_textes`), validated dates are memoised (few distinct values), and the checks only build a message when a
value is wrong.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from operator import gt
from typing import Any

from esms.referentiel.erreurs import Anomalie
from esms.referentiel.importer import format_et
from esms.referentiel.importer.format_commun import Contexte, VerificateurNumeros, champ_trop_long, lire_date
from esms.referentiel.models import Etablissement, OrganismeGestionnaire
from esms.referentiel.normalisation import cle_recherche
from esms.rules.finess import departement_du_numero, territoire_sans_ars

COLONNES_ET = (*format_et.COLONNES, "ouvert", "ferme_le", "evenements")
COLONNES_EJ = (
    "finess_ej", "raison_sociale", "raison_sociale_longue", "adresse", "ligne_acheminement", "departement_id",
    "code_commune", "telephone", "statut_juridique_id", "siren", "code_ape", "date_creation", "nom_recherche",
    "empreinte", "ouvert", "date_fermeture", "pm_smsse_id",
)
VERSION_EMPREINTE = "plus1"

# Text columns of an ET row, in `format_et.COLONNES` order (between `organisme_id` and `code_commune`).
TEXTES_ET = ("raison_sociale", "raison_sociale_longue", "complement_raison_sociale", "complement_distribution",
             "numero_voie", "type_voie", "voie", "complement_voie", "lieu_dit_bp", "ligne_acheminement", "telephone",
             "telecopie", "siret", "code_ape", "code_mft", "libelle_mft", "code_sph", "libelle_sph", "numero_uai")
TEXTES_EJ = ("raison_sociale", "raison_sociale_longue", "adresse", "ligne_acheminement", "code_commune", "telephone",
             "siren", "code_ape", "pm_smsse_id")
_CLES_INFOS_EGE = ("nomEgeCourt", "nomEgeLong", "complementDenominationEg", "siret", "numeroEducationNationale")
_CLES_ADRESSE = ("complementPointGeographique", "numeroVoie", "typeVoie", "libelleVoie", "complementVoie", "lieuDit",
                 "codePostal", "ligneAcheminement", "cogCommune")
_CLES_INFOS_PMEJ = ("denominationPm", "denominationLonguePmSmsse", "siren", "codeApe", "pmSmsseId", "statutJuridique")
_EVENEMENTS = json.JSONEncoder(separators=(",", ":"))
_SOURCE_COORDONNEES = "FINESS+ (Lambert-93, axes X/Y permutés dans le flux ; WGS84 fourni)"
_RIEN: dict = {}
_MANQUE = object()


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


def texte(valeur: Any) -> str:
    return valeur.strip() if isinstance(valeur, str) else ""


def _textes(source: dict, cles: tuple[str, ...]) -> list[str]:
    """The stripped text of each key ('' when absent or not a string)."""
    return [v.strip() if isinstance(v, str) else "" for v in map(source.get, cles)]


def _adresse(adresses: list[dict], usage: str) -> dict:
    for adresse in adresses:
        if adresse.get("usageAdresse") == usage:
            return adresse
    return adresses[0] if adresses else _RIEN


def _telecom(contacts: list[dict]) -> dict:
    for contact in contacts:
        if telecom := contact.get("telecom"):
            return telecom
    return _RIEN


def _acheminement(code_postal: str, ville: str) -> str:
    return f"{code_postal} {ville}" if code_postal and ville else code_postal or ville


def _empreinte(valeurs) -> str:
    return hashlib.blake2b("\x1f".join([VERSION_EMPREINTE, *[v if v.__class__ is str else "" if v is None else str(v)
                                                           for v in valeurs]])
                           .encode(), digest_size=16).hexdigest()


def _nombre(valeur: Any) -> float | None:
    try:
        nombre = float(valeur)
    except (TypeError, ValueError):
        return None
    return nombre if -1e8 < nombre < 1e8 else None


def _maximums(modele, noms: tuple[str, ...]) -> tuple[int, ...]:
    longueurs = {f.attname: f.max_length for f in modele._meta.concrete_fields if getattr(f, "max_length", None)}
    return tuple(longueurs.get(nom) or 1 << 30 for nom in noms)


class Analyseur:
    """Turns one validated PMEJ (and its EGE) into rows, or anomalies, accumulated in `extrait`."""

    def __init__(self, contexte: Contexte, extrait: ExtraitPlus) -> None:
        self.extrait = extrait
        self.numeros = VerificateurNumeros()
        self.categories = contexte.categories
        self.statuts = contexte.statuts
        self.regions = {insee: region for insee, region in contexte.departements.values()}
        self.vus_et: dict[str, str] = {}
        self.vus_ej: dict[str, str] = {}
        self.maximums_et = _maximums(Etablissement, TEXTES_ET)
        self.maximums_ej = _maximums(OrganismeGestionnaire, TEXTES_EJ)
        self.dates: dict[str | None, str | None] = {"": None, None: None}  # raw value → checked `YYYY-MM-DD`

    def anomalie(self, chemin: str, valeur: Any, message: str) -> None:
        self.extrait.anomalies.append(Anomalie(0, chemin, str(valeur or "")[:200], message))

    def _date(self, chemin: str, valeur: Any) -> str | None:
        connu = self.dates.get(valeur, _MANQUE) if valeur.__class__ is str or valeur is None else _MANQUE
        if connu is not _MANQUE:
            return connu  # type: ignore[return-value]  # a value of `self.dates`
        jour = texte(valeur)[:10]
        lue = lire_date(jour)
        if isinstance(lue, str):
            self.anomalie(chemin, valeur, lue)
            return None
        if valeur.__class__ is str:
            self.dates[valeur] = jour or None
        return jour or None

    def _longueurs(self, chemin: str, noms: tuple[str, ...], valeurs, maximums: tuple[int, ...]) -> None:
        if not any(map(gt, map(len, valeurs), maximums)):
            return
        for nom, valeur, maximum in zip(noms, valeurs, maximums, strict=True):
            if len(valeur) > maximum:
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
        (numero_voie, type_voie, complement_voie, libelle_voie, lieu_dit, code_postal, ville,
         commune) = _textes(adresse, ("numeroVoie", "typeVoie", "complementVoie", "libelleVoie", "lieuDit",
                                      "codePostal", "ligneAcheminement", "cogCommune"))
        if territoire_sans_ars(numero, commune):
            self.extrait.hors_perimetre_ej += 1
            for rang_ege, ege in enumerate(eges):
                self.ege(f"{racine}.ege[{rang_ege}]", ege, numero, hors_perimetre=True)
            return
        anomalies = self.extrait.anomalies
        avant = len(anomalies)
        chemin_numero = f"{racine}.informationsGeneralesPMEJ.numFinessPm"
        if erreur := self.numeros.erreur(numero):
            self.anomalie(chemin_numero, numero, erreur)
        elif numero in self.vus_ej:
            self.anomalie(chemin_numero, numero, f"entité juridique {numero} en double (déjà {self.vus_ej[numero]})")
        departement = None if erreur else self._departement(chemin_numero, numero)
        nom, nom_long, siren, ape, pm_smsse_id, statut = _textes(infos, _CLES_INFOS_PMEJ)
        textes = (nom, nom_long,
                  " ".join(filter(None, (numero_voie, type_voie, complement_voie, libelle_voie, lieu_dit))),
                  _acheminement(code_postal, ville), commune,
                  texte(_telecom(entite.get("contact") or []).get("telephone")), siren, ape, pm_smsse_id)
        self._longueurs(f"{racine}.informationsGeneralesPMEJ", TEXTES_EJ, textes, self.maximums_ej)
        creation = self._date(f"{racine}.informationsGeneralesPMEJ.dateCreation", infos.get("dateCreation"))
        fermeture = self._date(f"{racine}.informationsGeneralesPMEJ.dateFermeture", infos.get("dateFermeture"))
        if len(anomalies) > avant:
            self.extrait.ej_rejetes.add(numero)
            for ege in eges:
                self.extrait.numeros_rejetes.add(texte(ege["informationsGeneralesEGE"].get("numFinessEge")))
            return
        self.vus_ej[numero] = racine
        assert departement is not None
        ligne = (numero, nom, nom_long, textes[2], textes[3], departement[0], commune, textes[5],
                 statut if statut in self.statuts else None, siren, ape, creation, cle_recherche(f"{nom} {nom_long}"))
        suite = (entite["etatObjet"] == "A", fermeture, pm_smsse_id)
        self.extrait.organismes_lignes.append((*ligne, _empreinte((*ligne, *suite)), *suite))
        for rang_ege, ege in enumerate(eges):
            self.ege(f"{racine}.ege[{rang_ege}]", ege, numero)

    def ege(self, racine: str, ege: dict, numero_ej: str, hors_perimetre: bool = False) -> None:
        extrait = self.extrait
        extrait.nb_ege += 1
        infos = ege["informationsGeneralesEGE"]
        numero = infos["numFinessEge"]
        adresse = _adresse(ege.get("adresse") or [], "03")
        (complement_distribution, numero_voie, type_voie, voie, complement_voie, lieu_dit, code_postal, ville,
         commune) = _textes(adresse, _CLES_ADRESSE)
        territoire = territoire_sans_ars(numero, commune) or (territoire_sans_ars(numero_ej) if hors_perimetre
                                                               else None)
        if territoire or hors_perimetre:
            cle = territoire or "hors périmètre"
            extrait.hors_perimetre[cle] = extrait.hors_perimetre.get(cle, 0) + 1
            return
        anomalies = extrait.anomalies
        avant = len(anomalies)
        chemin_infos = f"{racine}.informationsGeneralesEGE"
        if erreur := self.numeros.erreur(numero):
            self.anomalie(f"{chemin_infos}.numFinessEge", numero, erreur)
        elif numero in self.vus_et:
            self.anomalie(f"{chemin_infos}.numFinessEge", numero,
                          f"établissement {numero} en double (déjà {self.vus_et[numero]})")
        departement = None if erreur else self._departement(f"{chemin_infos}.numFinessEge", numero)
        categorie = texte(ege.get("categorieentiteGeographiqueExercice"))
        if categorie not in self.categories:
            self.anomalie(f"{racine}.categorieentiteGeographiqueExercice", categorie,
                          f"catégorie d'établissement inconnue de la nomenclature FINESS « {categorie} »")
        telecom = _telecom(ege.get("contact") or [])
        nom_court, nom_long, complement_nom, siret, uai = _textes(infos, _CLES_INFOS_EGE)
        textes = (nom_court, nom_long, complement_nom, complement_distribution, numero_voie, type_voie, voie,
                  complement_voie, lieu_dit, _acheminement(code_postal, ville), texte(telecom.get("telephone")),
                  texte(telecom.get("telecopie")), siret, "", texte(ege.get("modefixationtarifaire")), "", "", "",
                  uai)
        if siret and not (len(siret) == 14 and siret.isdigit()):
            self.anomalie(f"{chemin_infos}.siret", siret, f"SIRET invalide « {siret} » (attendu 14 chiffres)")
        self._longueurs(chemin_infos, TEXTES_ET, textes, self.maximums_et)
        ouverture = self._date(f"{chemin_infos}.dateOuverture", infos.get("dateOuverture"))
        autorisation = self._date(f"{chemin_infos}.datePremiereAutorisation", infos.get("datePremiereAutorisation"))
        maj = self._date(f"{racine}.dateDerniereMaj", ege.get("dateDerniereMaj"))
        fermeture = self._date(f"{chemin_infos}.dateFermeture", infos.get("dateFermeture"))
        if len(anomalies) > avant:
            extrait.numeros_rejetes.add(numero)
            return
        assert departement is not None
        self.vus_et[numero] = racine
        points = adresse.get("coordonneesGeographique") or _RIEN
        ouvert = ege["etatObjet"] == "A"
        evenements = _EVENEMENTS.encode([[e.get("codeEvenement"), e.get("dateEvenement")]
                                         for e in ege.get("evenement") or ()])
        valeurs = (numero, numero_ej, *textes, commune, departement[0], departement[1], categorie,
                   ouverture, autorisation, maj,
                   _nombre(points.get("coordonneeY")), _nombre(points.get("coordonneeX")),  # FINESS+ swaps X/Y
                   _SOURCE_COORDONNEES if points else "", None,
                   _nombre(points.get("directionLatitude")), _nombre(points.get("directionLongitude")))
        nom = nom_court if nom_long in ("", nom_court) else f"{nom_court} {nom_long}"
        suite = (ouvert, None if ouvert else (fermeture or maj), evenements)
        extrait.lignes.append((*valeurs, cle_recherche(nom), _empreinte((*valeurs, *suite)), *suite))
        extrait.organismes.add(numero_ej)
