"""Loading and resolving campaign parameters.

- `list_campagnes()` lists the campaigns shipped as YAML in `campagnes/` (package data).
- `load_campagne(code, as_of=None)` returns the immutable `Campagne` in force at `as_of`: the base
  instruction plus every amendment whose `date_effet` is on or before `as_of` (all amendments when
  `as_of` is None). Results are cached: a campaign is parsed and validated once per set of amendments.
- `campagne_from_dict(data, as_of=None)` builds a `Campagne` from a plain dict of the same shape (a
  version edited by a national administrator), raising `ParametresInvalides` with located French errors.
- `campagne_to_dict(campagne)` is the inverse: the resolved parameters as a plain JSON/YAML-able dict.

Inheritance (as OpenFisca parameters do): a campaign file may say `herite_de: "<code>"` and state only
what changes from that campaign. `donnees_campagne(code)` resolves the chain into the full set (the
parent's base with its own amendments applied, then the child's values leaf by leaf); a Dictionnaire
section (e.g. `usage.indicateurs`) is merged key by key. The full set is then validated like any other.

Campaign codes: "2021-1" (amorçage temps 1), "2021-2" (amorçage temps 2), "2022" … "2025". The bare
code "2021" means "2021-2": the temps 1 calls closed in spring 2021, so a 2021 dossier filed later
belongs to temps 2 (documented choice; pass "2021-1" explicitly for the first calls).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from esms.rules.erreurs import CampagneInconnue, ParametresInvalides
from esms.rules.parametres import Amendement, Campagne, Parametre
from esms.rules.schema_campagne import (
    INSTRUCTION,
    SECTIONS,
    Lecteur,
    ValeurInvalide,
    feuille_vers_brut,
    joindre,
    texte,
    une_date,
    vers_brut,
)
from esms.rules.validation_campagne import coherence

CODES_CAMPAGNES: tuple[str, ...] = ("2021-1", "2021-2", "2022", "2023", "2024", "2025")
ALIAS: dict[str, str] = {"2021": "2021-2"}
CLES_RACINE = frozenset(
    {"code", "libelle", "annee", "instruction", "amendements", "amendements_appliques", *SECTIONS}
)
CLES_AMENDEMENT = frozenset({"code", "date_effet", "texte", "source", "modifications"})

try:  # the C loader is much faster; fall back to the pure-Python one.
    _Chargeur: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Chargeur = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class ResumeCampagne:
    """One line of `list_campagnes()`."""

    code: str
    libelle: str
    annee: int
    instruction: str
    amendements: tuple[tuple[str, date], ...]


def normaliser_code_campagne(code: str | int) -> str:
    """ "2024", 2024, " 2021-1 " → canonical code; raises `CampagneInconnue` otherwise."""
    texte_code = str(code).strip()
    texte_code = ALIAS.get(texte_code, texte_code)
    if texte_code not in CODES_CAMPAGNES:
        raise CampagneInconnue(
            [
                f"campagne « {code} » inconnue (disponibles : {', '.join(CODES_CAMPAGNES)} ; « 2021 » = « 2021-2 »)"
            ]
        )
    return texte_code


@cache
def fichier_campagne(code: str) -> Mapping[str, Any]:
    """The shipped YAML of one campaign as written (possibly only what changes from `herite_de`)."""
    fichier = resources.files("esms.rules").joinpath("campagnes").joinpath(f"{code}.yaml")
    donnees = yaml.load(fichier.read_text(encoding="utf-8"), Loader=_Chargeur)  # noqa: S506 (safe loader)
    if not isinstance(donnees, Mapping):
        raise ParametresInvalides([f"campagnes/{code}.yaml : dictionnaire attendu"])
    return donnees


def _heriter(parent: Mapping[str, Any], enfant: Mapping[str, Any]) -> dict[str, Any]:
    """The parent's tree with the child's leaves (and Dictionnaire entries) laid over it."""
    resultat = dict(parent)
    for cle, valeur in enfant.items():
        ancien = parent.get(cle)
        if isinstance(valeur, Mapping) and isinstance(ancien, Mapping) and not _est_feuille(valeur):
            resultat[cle] = _heriter(ancien, valeur)
        else:
            resultat[cle] = valeur
    return resultat


@cache
def _brut(code: str, _chaine: tuple[str, ...] = ()) -> Mapping[str, Any]:
    """The full parameter set of a campaign: its file resolved over the campaign it inherits from."""
    donnees = fichier_campagne(code)
    parent_code = donnees.get("herite_de")
    if parent_code is None:
        return donnees
    if parent_code not in CODES_CAMPAGNES or parent_code == code or parent_code in _chaine:
        raise ParametresInvalides([f"campagnes/{code}.yaml : herite_de « {parent_code} » invalide"])
    parent = _brut(parent_code, (*_chaine, code))
    lecteur = Lecteur()
    resolu: Mapping[str, Any] = {k: v for k, v in parent.items() if k != "amendements"}
    amendements = sorted(_lire_amendements(parent.get("amendements"), lecteur), key=lambda t: t[1].date_effet)
    for rang, _amendement, modifications in amendements:
        resolu = _fusionner(resolu, modifications, f"amendements[{rang}].modifications", lecteur)
    if lecteur.erreurs:
        raise ParametresInvalides([f"campagnes/{parent_code}.yaml : {e}" for e in lecteur.erreurs])
    propres = {k: v for k, v in donnees.items() if k != "herite_de"}
    complet = _heriter(resolu, propres)
    if "amendements" not in propres:
        complet.pop("amendements", None)
    return complet


def _lire_amendements(donnees: Any, lecteur: Lecteur) -> list[tuple[int, Amendement, Mapping[str, Any]]]:
    if donnees is None:
        return []
    if not isinstance(donnees, list):
        lecteur.erreur("amendements", "liste attendue")
        return []
    resultat = []
    for rang, brut in enumerate(donnees):
        chemin = f"amendements[{rang}]"
        if not isinstance(brut, Mapping):
            lecteur.erreur(chemin, "dictionnaire attendu")
            continue
        avant = len(lecteur.erreurs)
        for cle in brut:
            if cle not in CLES_AMENDEMENT:
                lecteur.erreur(
                    joindre(chemin, str(cle)),
                    "clé inconnue (attendu : code, date_effet, texte, source, modifications)",
                )
        champs: dict[str, Any] = {}
        for cle, conv in (("code", texte), ("date_effet", une_date), ("texte", texte), ("source", texte)):
            try:
                champs[cle] = conv(brut.get(cle))
            except ValeurInvalide as exc:
                lecteur.erreur(joindre(chemin, cle), str(exc))
        modifications = brut.get("modifications")
        if not isinstance(modifications, Mapping):
            lecteur.erreur(joindre(chemin, "modifications"), "dictionnaire de paramètres attendu")
        if len(lecteur.erreurs) == avant and isinstance(modifications, Mapping):
            resultat.append((rang, Amendement(**champs), modifications))
    return resultat


def _est_feuille(noeud: Any) -> bool:
    return isinstance(noeud, Mapping) and "valeur" in noeud


def _fusionner(
    base: Mapping[str, Any], modifications: Mapping[str, Any], chemin: str, lecteur: Lecteur
) -> dict[str, Any]:
    """Replace, leaf by leaf, the base values with the amendment's."""
    resultat = dict(base)
    for cle, nouveau in modifications.items():
        sous_chemin = joindre(chemin, str(cle))
        if cle not in base:
            lecteur.erreur(sous_chemin, "paramètre absent du texte de base")
            continue
        ancien = base[cle]
        if _est_feuille(ancien) or not isinstance(ancien, Mapping):
            resultat[cle] = nouveau
        elif isinstance(nouveau, Mapping):
            resultat[cle] = _fusionner(ancien, nouveau, sous_chemin, lecteur)
        else:
            lecteur.erreur(sous_chemin, "section attendue (dictionnaire de paramètres)")
    return resultat


def _lire_appliques(donnees: Any, lecteur: Lecteur) -> list[Amendement]:
    if donnees is None:
        return []
    if not isinstance(donnees, list):
        lecteur.erreur("amendements_appliques", "liste attendue")
        return []
    resultat = []
    for rang, brut in enumerate(donnees):
        chemin = f"amendements_appliques[{rang}]"
        if not isinstance(brut, Mapping):
            lecteur.erreur(chemin, "dictionnaire attendu")
            continue
        try:
            resultat.append(
                Amendement(
                    texte(brut.get("code")),
                    une_date(brut.get("date_effet")),
                    texte(brut.get("texte")),
                    texte(brut.get("source")),
                )
            )
        except ValeurInvalide as exc:
            lecteur.erreur(chemin, str(exc))
    return resultat


def amendements_en_vigueur(data: Mapping[str, Any], as_of: date | None) -> tuple[str, ...]:
    """Codes of the amendments of a plain campaign dict that apply at `as_of` (cheap, no validation)."""
    amendements = data.get("amendements") or []
    codes = []
    for brut in amendements if isinstance(amendements, list) else []:
        try:
            effet = une_date(brut.get("date_effet"))
        except (ValeurInvalide, AttributeError):
            continue
        if as_of is None or effet <= as_of:
            codes.append(str(brut.get("code")))
    return tuple(codes)


def campagne_from_dict(data: Mapping[str, Any], as_of: date | None = None) -> Campagne:
    """Validate a plain parameter dict and resolve it at `as_of`; raises `ParametresInvalides`."""
    lecteur = Lecteur()
    if not isinstance(data, Mapping):
        raise ParametresInvalides(["(racine) : dictionnaire de paramètres attendu"])
    for cle in data:
        if cle not in CLES_RACINE:
            lecteur.erreur(str(cle), "paramètre inconnu")
    entete: dict[str, Any] = {}
    for cle in ("code", "libelle"):
        try:
            entete[cle] = texte(data.get(cle))
        except ValeurInvalide as exc:
            lecteur.erreur(cle, str(exc))
    annee = data.get("annee")
    if not isinstance(annee, int) or isinstance(annee, bool) or not 2000 <= annee <= 2100:
        lecteur.erreur("annee", "année attendue (entier, par exemple 2024)")
    instruction = lecteur.feuille(INSTRUCTION, data.get("instruction"), "instruction")

    appliques = _lire_appliques(data.get("amendements_appliques"), lecteur)
    resolu: Mapping[str, Any] = data
    amendements = sorted(
        _lire_amendements(data.get("amendements"), lecteur), key=lambda triplet: triplet[1].date_effet
    )
    for rang, amendement, modifications in amendements:
        if as_of is None or amendement.date_effet <= as_of:
            resolu = _fusionner(resolu, modifications, f"amendements[{rang}].modifications", lecteur)
            appliques.append(amendement)

    sections = {}
    for nom, spec in SECTIONS.items():
        if nom not in resolu:
            lecteur.erreur(nom, "section manquante")
            continue
        sections[nom] = lecteur.groupe(spec, resolu[nom], nom)
    if lecteur.erreurs:
        raise ParametresInvalides(lecteur.erreurs)
    campagne = Campagne(
        code=entete["code"],
        libelle=entete["libelle"],
        annee=int(annee),  # type: ignore[arg-type]
        instruction=instruction,  # type: ignore[arg-type]
        amendements_appliques=tuple(appliques),
        **sections,
    )
    erreurs = coherence(campagne)
    if erreurs:
        raise ParametresInvalides(erreurs)
    return campagne


def campagne_to_dict(campagne: Campagne) -> dict[str, Any]:
    """Resolved parameters as a plain dict (same shape as the YAML, amendments already applied)."""
    brut: dict[str, Any] = {
        "code": campagne.code,
        "libelle": campagne.libelle,
        "annee": campagne.annee,
        "instruction": feuille_vers_brut(INSTRUCTION, campagne.instruction),
        "amendements_appliques": [
            {"code": a.code, "date_effet": a.date_effet.isoformat(), "texte": a.texte, "source": a.source}
            for a in campagne.amendements_appliques
        ],
    }
    for nom, spec in SECTIONS.items():
        brut[nom] = vers_brut(spec, getattr(campagne, nom))
    return brut


def donnees_campagne(code: str | int) -> dict[str, Any]:
    """A deep copy of the shipped YAML of a campaign (base + amendments), e.g. to start a new version."""
    return copy.deepcopy(dict(_brut(normaliser_code_campagne(code))))


@lru_cache(maxsize=64)
def _resoudre(code: str, amendements: tuple[str, ...]) -> Campagne:
    brut = _brut(code)
    derniere = None
    for amendement in brut.get("amendements") or []:
        if str(amendement.get("code")) in amendements:
            effet = une_date(amendement.get("date_effet"))
            derniere = effet if derniere is None or effet > derniere else derniere
    # Resolving at the latest applicable date (or before any amendment) gives exactly `amendements`.
    as_of = derniere if derniere is not None else date.min
    return campagne_from_dict(brut, as_of)


def load_campagne(code: str | int, as_of: date | None = None) -> Campagne:
    """Parameters of a campaign in force at `as_of` (all amendments when None). Cached."""
    canonique = normaliser_code_campagne(code)
    return _resoudre(canonique, amendements_en_vigueur(_brut(canonique), as_of))


def parametres(campagne: Campagne) -> tuple[Parametre[Any], ...]:
    """Every leaf parameter of a resolved campaign, in the order of the YAML shape."""
    trouves: list[Parametre[Any]] = [campagne.instruction]

    def parcourir(objet: Any) -> None:
        if isinstance(objet, Parametre):
            trouves.append(objet)
        elif isinstance(objet, Mapping):
            for valeur in objet.values():
                parcourir(valeur)
        elif dataclasses.is_dataclass(objet) and not isinstance(objet, type):
            for champ in dataclasses.fields(objet):
                parcourir(getattr(objet, champ.name))

    for nom in SECTIONS:
        parcourir(getattr(campagne, nom))
    return tuple(trouves)


def parametres_a_confirmer(campagne: Campagne) -> tuple[Parametre[Any], ...]:
    """The parameters still marked « à confirmer » (to be set by a national administrator)."""
    return tuple(p for p in parametres(campagne) if p.a_confirmer)


def list_campagnes() -> tuple[ResumeCampagne, ...]:
    """The shipped campaigns, oldest first."""
    resumes = []
    for code in CODES_CAMPAGNES:
        campagne = load_campagne(code)
        resumes.append(
            ResumeCampagne(
                code=campagne.code,
                libelle=campagne.libelle,
                annee=campagne.annee,
                instruction=campagne.instruction.valeur,
                amendements=tuple((a.code, a.date_effet) for a in campagne.amendements_appliques),
            )
        )
    return tuple(resumes)
