"""Shape of a campaign parameter set, its validation (located French errors) and its serialisation.

The same shape is used by the YAML files of `campagnes/`, by `campagne_from_dict` (versions edited by a
national administrator) and by `campagne_to_dict` (`esms rules params`, storage of versions). A leaf is
`{valeur, source, statut[, note]}`; a section is a mapping of leaves and sections. Unknown keys are errors,
so that a typo in an edited version never goes unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from esms.rules.categories import SECTEURS
from esms.rules.geographie import REGIONS
from esms.rules.nomenclature import PAR_CODE
from esms.rules.parametres import (
    APPELS,
    CONDITIONS_DOCUMENT,
    EXIGENCES_LOGICIEL,
    OPERATEURS,
    REFERENCEMENTS,
    STATUTS,
    CalendrierAppelRegional,
    Cible,
    DocumentRequis,
    Exemption,
    ExigenceLogiciel,
    FenetreAppel,
    FenetreSelection,
    Indicateur,
    Parametre,
    ParametresCalendrier,
    ParametresDuiActif,
    ParametresEligibilite,
    ParametresEnveloppes,
    ParametresFinancement,
    ParametresForfaits,
    ParametresGrappe,
    ParametresLogiciel,
    ParametresPetitOG,
    ParametresProgramme,
    ParametresUsage,
    ParametresVersement,
)


class ValeurInvalide(Exception):
    """Raised by a converter with the French reason."""


Convertisseur = Callable[[Any], Any]


def _identite(valeur: Any) -> Any:
    return valeur


@dataclass(frozen=True)
class Feuille:
    """A leaf: converter from the plain value, and back, and the JSON Schema of the plain value
    (`docs/parametres.schema.json` is generated from these declarations)."""

    conv: Convertisseur
    nullable: bool = False
    vers_brut: Convertisseur = _identite
    schema: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Groupe:
    """A section built into the dataclass `cls`."""

    cls: Callable[..., Any]
    champs: Mapping[str, Feuille | Groupe | Dictionnaire]


@dataclass(frozen=True)
class Dictionnaire:
    """A section whose keys are free (e.g. indicator codes), each holding a leaf."""

    feuille: Feuille


# --- converters -------------------------------------------------------------------------------------


def _est_entier(valeur: Any) -> bool:
    return isinstance(valeur, int) and not isinstance(valeur, bool)


def entier(minimum: int = 0) -> Convertisseur:
    def conv(valeur: Any) -> int:
        if not _est_entier(valeur) or valeur < minimum:
            raise ValeurInvalide(f"nombre entier supérieur ou égal à {minimum} attendu")
        return int(valeur)

    return conv


def montant(valeur: Any) -> int:
    if not _est_entier(valeur) or valeur < 0:
        raise ValeurInvalide("montant en euros entiers (positif ou nul) attendu")
    return int(valeur)


def booleen(valeur: Any) -> bool:
    if not isinstance(valeur, bool):
        raise ValeurInvalide("booléen attendu (true ou false)")
    return valeur


def texte(valeur: Any) -> str:
    if not isinstance(valeur, str) or not valeur.strip():
        raise ValeurInvalide("texte non vide attendu")
    return valeur


def une_date(valeur: Any) -> date:
    if isinstance(valeur, date) and not hasattr(valeur, "hour"):
        return valeur
    if isinstance(valeur, str):
        try:
            return date.fromisoformat(valeur)
        except ValueError:
            pass
    raise ValeurInvalide(f"date invalide (« {valeur} », format attendu AAAA-MM-JJ)")


def date_iso(valeur: date) -> str:
    return valeur.isoformat()


def decimal_brut(valeur: Decimal) -> int | float:
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


def nombre(valeur: Any) -> Decimal:
    if isinstance(valeur, bool) or not isinstance(valeur, int | float | str | Decimal):
        raise ValeurInvalide("nombre attendu")
    try:
        resultat = Decimal(str(valeur))
    except InvalidOperation as exc:
        raise ValeurInvalide("nombre attendu") from exc
    if not resultat.is_finite():
        raise ValeurInvalide("nombre fini attendu")
    return resultat


def ratio(valeur: Any) -> Decimal:
    try:
        resultat = nombre(valeur)
    except ValeurInvalide as exc:
        raise ValeurInvalide("nombre entre 0 et 1 attendu") from exc
    if not Decimal(0) <= resultat <= Decimal(1):
        raise ValeurInvalide("nombre entre 0 et 1 attendu")
    return resultat


def choix(*options: str) -> Convertisseur:
    def conv(valeur: Any) -> str:
        if valeur not in options:
            raise ValeurInvalide(f"valeur « {valeur} » inconnue (attendu : {', '.join(options)})")
        return str(valeur)

    return conv


def _liste(valeur: Any) -> list[Any]:
    if not isinstance(valeur, list | tuple):
        raise ValeurInvalide("liste attendue")
    return list(valeur)


def regions(valeur: Any) -> tuple[str, ...]:
    codes = _liste(valeur)
    for code in codes:
        if code not in REGIONS:
            raise ValeurInvalide(
                f"région « {code} » inconnue (code INSEE sur 2 caractères, entre guillemets)"
            )
    return tuple(codes)


def categories(valeur: Any) -> tuple[str, ...]:
    codes = _liste(valeur)
    for code in codes:
        if code not in PAR_CODE:
            raise ValeurInvalide(
                f"catégorie FINESS « {code} » inconnue (code sur 3 caractères, entre guillemets)"
            )
    return tuple(codes)


def _mapping(valeur: Any) -> Mapping[Any, Any]:
    if not isinstance(valeur, Mapping):
        raise ValeurInvalide("dictionnaire attendu")
    return valeur


def montants_par_region(valeur: Any) -> Mapping[str, int]:
    resultat: dict[str, int] = {}
    for code, somme in _mapping(valeur).items():
        if code not in REGIONS:
            raise ValeurInvalide(
                f"région « {code} » inconnue (code INSEE sur 2 caractères, entre guillemets)"
            )
        try:
            resultat[code] = montant(somme)
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"région {code} : {exc}") from exc
    return MappingProxyType(resultat)


def montants_nommes(valeur: Any) -> Mapping[str, int]:
    resultat: dict[str, int] = {}
    for nom, somme in _mapping(valeur).items():
        try:
            resultat[texte(nom)] = montant(somme)
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"{nom} : {exc}") from exc
    return MappingProxyType(resultat)


def brut_mapping(valeur: Mapping[str, Any]) -> dict[str, Any]:
    return dict(valeur)


def _cles(donnees: Mapping[Any, Any], obligatoires: set[str], facultatives: set[str]) -> None:
    inconnues = set(donnees) - obligatoires - facultatives
    if inconnues:
        raise ValeurInvalide(f"clé(s) inconnue(s) : {', '.join(sorted(map(str, inconnues)))}")
    manquantes = obligatoires - set(donnees)
    if manquantes:
        raise ValeurInvalide(f"clé(s) manquante(s) : {', '.join(sorted(manquantes))}")


def _sons(valeur: Any) -> bool | None:
    if valeur is None or isinstance(valeur, bool):
        return valeur
    raise ValeurInvalide("sons_eligible : booléen ou null attendu")


def _secteur(valeur: Any) -> str:
    if valeur not in SECTEURS:
        raise ValeurInvalide(f"secteur « {valeur} » inconnu (attendu : {', '.join(SECTEURS)})")
    return str(valeur)


def indicateur(valeur: Any) -> Indicateur:
    donnees = _mapping(valeur)
    _cles(donnees, {"libelle", "operateur", "seuil", "unite", "periode"}, set())
    return Indicateur(
        libelle=texte(donnees["libelle"]),
        operateur=choix(*OPERATEURS)(donnees["operateur"]),
        seuil=nombre(donnees["seuil"]),
        unite=texte(donnees["unite"]),
        periode=texte(donnees["periode"]),
    )


def brut_indicateur(valeur: Indicateur) -> dict[str, Any]:
    return {
        "libelle": valeur.libelle,
        "operateur": valeur.operateur,
        "seuil": decimal_brut(valeur.seuil),
        "unite": valeur.unite,
        "periode": valeur.periode,
    }


def exemptions(valeur: Any) -> tuple[Exemption, ...]:
    resultat = []
    for rang, element in enumerate(_liste(valeur)):
        try:
            donnees = _mapping(element)
            _cles(donnees, {"secteur", "indicateurs"}, {"sons_eligible"})
            codes = tuple(texte(code) for code in _liste(donnees["indicateurs"]))
            resultat.append(
                Exemption(_secteur(donnees["secteur"]), _sons(donnees.get("sons_eligible")), codes)
            )
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"[{rang}] {exc}") from exc
    return tuple(resultat)


def brut_exemptions(valeur: tuple[Exemption, ...]) -> list[dict[str, Any]]:
    return [
        {"secteur": e.secteur, "sons_eligible": e.sons_eligible, "indicateurs": list(e.indicateurs)}
        for e in valeur
    ]


def exigences(valeur: Any) -> tuple[ExigenceLogiciel, ...]:
    resultat = []
    for rang, element in enumerate(_liste(valeur)):
        try:
            donnees = _mapping(element)
            _cles(donnees, {"secteur", "exigence"}, {"sons_eligible"})
            resultat.append(
                ExigenceLogiciel(
                    _secteur(donnees["secteur"]),
                    _sons(donnees.get("sons_eligible")),
                    choix(*EXIGENCES_LOGICIEL)(donnees["exigence"]),
                )
            )
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"[{rang}] {exc}") from exc
    return tuple(resultat)


def brut_exigences(valeur: tuple[ExigenceLogiciel, ...]) -> list[dict[str, Any]]:
    return [{"secteur": e.secteur, "sons_eligible": e.sons_eligible, "exigence": e.exigence} for e in valeur]


def brut_tuple(valeur: tuple[Any, ...]) -> list[Any]:
    return list(valeur)


def fuseaux(valeur: Any) -> Mapping[str, str]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    resultat: dict[str, str] = {}
    for code, nom in _mapping(valeur).items():
        if code not in REGIONS:
            raise ValeurInvalide(f"région « {code} » inconnue (code INSEE sur 2 caractères, entre guillemets)")
        try:
            ZoneInfo(texte(nom))
        except (ZoneInfoNotFoundError, ValueError, ValeurInvalide) as exc:
            raise ValeurInvalide(f"région {code} : fuseau horaire « {nom} » inconnu") from exc
        resultat[code] = nom
    return MappingProxyType(resultat)


def _fenetres(valeur: Any) -> tuple[FenetreSelection, ...]:
    resultat: list[FenetreSelection] = []
    for rang, element in enumerate(_liste(valeur)):
        try:
            donnees = _mapping(element)
            _cles(donnees, {"code", "libelle", "debut", "fin"}, set())
            fenetre = FenetreSelection(
                texte(donnees["code"]), texte(donnees["libelle"]), une_date(donnees["debut"]), une_date(donnees["fin"])
            )
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"[{rang}] {exc}") from exc
        if fenetre.fin < fenetre.debut:
            raise ValeurInvalide(f"[{rang}] la fin ({fenetre.fin}) précède le début ({fenetre.debut})")
        if resultat and fenetre.debut <= resultat[-1].fin:
            raise ValeurInvalide(f"[{rang}] les fenêtres doivent se suivre sans se chevaucher")
        resultat.append(fenetre)
    return tuple(resultat)


def _brut_fenetres(valeur: tuple[FenetreSelection, ...]) -> list[dict[str, Any]]:
    return [
        {"code": f.code, "libelle": f.libelle, "debut": f.debut.isoformat(), "fin": f.fin.isoformat()}
        for f in valeur
    ]


def fenetres_par_appel(valeur: Any) -> Mapping[str, tuple[FenetreSelection, ...]]:
    resultat = {}
    for appel, fenetres in _mapping(valeur).items():
        if appel not in APPELS:
            raise ValeurInvalide(f"appel « {appel} » inconnu (attendu : {', '.join(APPELS)})")
        try:
            resultat[str(appel)] = _fenetres(fenetres)
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"{appel} {exc}") from exc
    return MappingProxyType(resultat)


def brut_fenetres_par_appel(valeur: Mapping[str, tuple[FenetreSelection, ...]]) -> dict[str, Any]:
    return {appel: _brut_fenetres(f) for appel, f in valeur.items()}


def calendrier_regional(valeur: Any) -> Mapping[str, CalendrierAppelRegional]:
    resultat = {}
    for appel, donnees in _mapping(valeur).items():
        if appel not in ("regional", "multiregional"):
            raise ValeurInvalide(f"appel « {appel} » : seuls regional et multiregional ont un calendrier par ARS")
        try:
            champs = _mapping(donnees)
            _cles(champs, set(), {"ouverture", "cloture", "fenetres"})
            ouverture = None if champs.get("ouverture") is None else une_date(champs["ouverture"])
            cloture = None if champs.get("cloture") is None else une_date(champs["cloture"])
            fenetres = _fenetres(champs.get("fenetres") or [])
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"{appel} : {exc}") from exc
        resultat[str(appel)] = CalendrierAppelRegional(ouverture, cloture, fenetres)
    return MappingProxyType(resultat)


def brut_calendrier_regional(valeur: Mapping[str, CalendrierAppelRegional]) -> dict[str, Any]:
    brut: dict[str, Any] = {}
    for appel, cal in valeur.items():
        champs: dict[str, Any] = {}
        if cal.ouverture is not None:
            champs["ouverture"] = cal.ouverture.isoformat()
        if cal.cloture is not None:
            champs["cloture"] = cal.cloture.isoformat()
        if cal.fenetres:
            champs["fenetres"] = _brut_fenetres(cal.fenetres)
        brut[appel] = champs
    return brut


def referencements(valeur: Any) -> tuple[str, ...]:
    codes = _liste(valeur)
    for code in codes:
        if code not in REFERENCEMENTS:
            raise ValeurInvalide(f"référencement « {code} » inconnu (attendu : {', '.join(REFERENCEMENTS)})")
    return tuple(codes)


def cible(valeur: Any) -> Cible:
    donnees = _mapping(valeur)
    _cles(donnees, {"valeur", "unite", "echeance"}, set())
    return Cible(entier(1)(donnees["valeur"]), texte(donnees["unite"]), une_date(donnees["echeance"]))


def brut_cible(valeur: Cible) -> dict[str, Any]:
    return {"valeur": valeur.valeur, "unite": valeur.unite, "echeance": valeur.echeance.isoformat()}


def documents(valeur: Any) -> tuple[DocumentRequis, ...]:
    resultat = []
    for rang, element in enumerate(_liste(valeur)):
        try:
            donnees = _mapping(element)
            _cles(donnees, {"code", "libelle", "condition"}, set())
            resultat.append(
                DocumentRequis(
                    texte(donnees["code"]),
                    texte(donnees["libelle"]),
                    choix(*CONDITIONS_DOCUMENT)(donnees["condition"]),
                )
            )
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"[{rang}] {exc}") from exc
    return tuple(resultat)


def brut_documents(valeur: tuple[DocumentRequis, ...]) -> list[dict[str, Any]]:
    return [{"code": d.code, "libelle": d.libelle, "condition": d.condition} for d in valeur]


# --- the shape ----------------------------------------------------------------------------------------

_DATE = {"type": "string", "format": "date"}
_REGION = {"type": "string", "pattern": "^[0-9]{2}$"}
_FENETRE_SEL = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "libelle", "debut", "fin"],
    "properties": {"code": {"type": "string"}, "libelle": {"type": "string"}, "debut": _DATE, "fin": _DATE},
}
_LISTE_FENETRES = {"type": "array", "items": _FENETRE_SEL}
_CIBLE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["valeur", "unite", "echeance"],
    "properties": {"valeur": {"type": "integer", "minimum": 1}, "unite": {"type": "string"}, "echeance": _DATE},
}
_MONTANTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


def _enum(*options: str) -> dict[str, Any]:
    return {"enum": list(options)}


ENTIER_POSITIF = Feuille(entier(1), schema={"type": "integer", "minimum": 1})
ENTIER_POSITIF_OU_NUL = Feuille(entier(1), nullable=True, schema={"type": "integer", "minimum": 1})
MONTANT_OU_NUL = Feuille(montant, nullable=True, schema={"type": "integer", "minimum": 0})
BOOLEEN = Feuille(booleen, schema={"type": "boolean"})
DATE_OU_NULLE = Feuille(une_date, nullable=True, vers_brut=date_iso, schema=_DATE)
REGIONS_LISTE = Feuille(regions, vers_brut=brut_tuple, schema={"type": "array", "items": _REGION})

FENETRE = Groupe(FenetreAppel, {"ouvert": BOOLEEN, "ouverture": DATE_OU_NULLE, "cloture": DATE_OU_NULLE})

SECTIONS: dict[str, Groupe] = {
    "grappe": Groupe(
        ParametresGrappe,
        {
            "taille_min": ENTIER_POSITIF,
            "taille_min_corse_outre_mer": ENTIER_POSITIF,
            "regions_corse_outre_mer": REGIONS_LISTE,
            "seuil_national": ENTIER_POSITIF_OU_NUL,
            "appel_grappe_mono_regionale": Feuille(
                choix("national", "regional"), schema=_enum("national", "regional")
            ),
            "solution_dui_unique": BOOLEEN,
            "nb_og_min": ENTIER_POSITIF_OU_NUL,
            "nb_og_min_corse_outre_mer": ENTIER_POSITIF_OU_NUL,
            "regions_seuil_indicatif": REGIONS_LISTE,
            "ars_pilote_au_choix": BOOLEEN,
        },
    ),
    "calendrier": Groupe(
        ParametresCalendrier,
        {
            "fuseau_horaire": Feuille(texte, schema={"type": "string"}),
            "fuseaux_par_region": Feuille(
                fuseaux,
                vers_brut=brut_mapping,
                schema={"type": "object", "additionalProperties": {"type": "string"}},
            ),
            "regional": FENETRE,
            "multiregional": FENETRE,
            "national": FENETRE,
            "fenetres_selection": Feuille(
                fenetres_par_appel,
                vers_brut=brut_fenetres_par_appel,
                schema={"type": "object", "additionalProperties": _LISTE_FENETRES},
            ),
            "par_region": Dictionnaire(
                Feuille(
                    calendrier_regional,
                    vers_brut=brut_calendrier_regional,
                    schema={
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {"ouverture": _DATE, "cloture": _DATE, "fenetres": _LISTE_FENETRES},
                        },
                    },
                )
            ),
            "engagement_avant": DATE_OU_NULLE,
        },
    ),
    "enveloppes": Groupe(
        ParametresEnveloppes,
        {
            "total": MONTANT_OU_NUL,
            "regional": MONTANT_OU_NUL,
            "appel_national": MONTANT_OU_NUL,
            "frais_gestion": MONTANT_OU_NUL,
            "par_region": Feuille(montants_par_region, vers_brut=brut_mapping, schema=_MONTANTS),
            "lignes_hors_programme": Feuille(montants_nommes, vers_brut=brut_mapping, schema=_MONTANTS),
            "autres_lignes": Feuille(montants_nommes, vers_brut=brut_mapping, schema=_MONTANTS),
        },
    ),
    "financement": Groupe(
        ParametresFinancement,
        {
            "forfaits": Groupe(
                ParametresForfaits,
                {"acquisition": MONTANT_OU_NUL, "usage": MONTANT_OU_NUL, "mise_a_niveau": MONTANT_OU_NUL},
            ),
            "petit_og": Groupe(
                ParametresPetitOG,
                {
                    "seuil_essms": ENTIER_POSITIF,
                    "equipement_plafond_par_essms": MONTANT_OU_NUL,
                    "marche_par_projet": MONTANT_OU_NUL,
                    "pilotage_par_projet": MONTANT_OU_NUL,
                    "amoa_par_projet": MONTANT_OU_NUL,
                },
            ),
            "nb_essms_finances_max": ENTIER_POSITIF_OU_NUL,
            "prorata_domicile": BOOLEEN,
            "arrondi": Feuille(
                choix("euro_inferieur", "euro_le_plus_proche"), schema=_enum("euro_inferieur", "euro_le_plus_proche")
            ),
        },
    ),
    "versement": Groupe(
        ParametresVersement,
        {
            "part_avance": Feuille(ratio, vers_brut=decimal_brut, schema={"type": "number", "minimum": 0, "maximum": 1}),
            "solde_atteinte_partielle": Feuille(choix("aucun", "prorata"), schema=_enum("aucun", "prorata")),
        },
    ),
    "logiciel": Groupe(
        ParametresLogiciel,
        {
            "referencement_segur_requis": BOOLEEN,
            "referencements_acceptes": Feuille(
                referencements,
                vers_brut=brut_tuple,
                schema={"type": "array", "items": _enum(*REFERENCEMENTS)},
            ),
            "exception_ght_couloir_hospitalier": BOOLEEN,
            "referencement_au_depot": BOOLEEN,
            "exemption_projet_ahi_pjm": BOOLEEN,
            "exigences_par_secteur": Feuille(
                exigences,
                vers_brut=brut_exigences,
                schema={
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["secteur", "exigence"],
                        "properties": {
                            "secteur": _enum(*SECTEURS),
                            "sons_eligible": {"type": ["boolean", "null"]},
                            "exigence": _enum(*EXIGENCES_LOGICIEL),
                        },
                    },
                },
            ),
        },
    ),
    "eligibilite": Groupe(
        ParametresEligibilite,
        {
            "usld_exclue": BOOLEEN,
            "cumul_fonds_ue_interdit": BOOLEEN,
            "categories_prioritaires": Feuille(
                categories,
                nullable=True,
                vers_brut=brut_tuple,
                schema={"type": "array", "items": {"type": "string", "pattern": "^[0-9]{3}$"}},
            ),
            "part_max_hors_priorite": Feuille(
                ratio, nullable=True, vers_brut=decimal_brut, schema={"type": "number", "minimum": 0, "maximum": 1}
            ),
        },
    ),
    "usage": Groupe(
        ParametresUsage,
        {
            "dui_actif": Groupe(
                ParametresDuiActif, {"ecritures_min": ENTIER_POSITIF, "fenetre_jours": ENTIER_POSITIF}
            ),
            "indicateurs": Dictionnaire(
                Feuille(
                    indicateur,
                    vers_brut=brut_indicateur,
                    schema={
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["libelle", "operateur", "seuil", "unite", "periode"],
                        "properties": {
                            "libelle": {"type": "string"},
                            "operateur": _enum(*OPERATEURS),
                            "seuil": {"type": "number"},
                            "unite": {"type": "string"},
                            "periode": {"type": "string"},
                        },
                    },
                )
            ),
            "exemptions": Feuille(
                exemptions,
                vers_brut=brut_exemptions,
                schema={
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["secteur", "indicateurs"],
                        "properties": {
                            "secteur": _enum(*SECTEURS),
                            "sons_eligible": {"type": ["boolean", "null"]},
                            "indicateurs": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            ),
            "tolerance_ecart": Feuille(ratio, vers_brut=decimal_brut, schema={"type": "number", "minimum": 0, "maximum": 1}),
        },
    ),
    "programme": Groupe(
        ParametresProgramme,
        {
            "cible_dui_actifs": Feuille(cible, vers_brut=brut_cible, schema=_CIBLE),
            "cible_essms": Feuille(cible, vers_brut=brut_cible, schema=_CIBLE),
            "documents_requis": Feuille(
                documents,
                vers_brut=brut_documents,
                schema={
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["code", "libelle", "condition"],
                        "properties": {
                            "code": {"type": "string"},
                            "libelle": {"type": "string"},
                            "condition": _enum(*CONDITIONS_DOCUMENT),
                        },
                    },
                },
            ),
        },
    ),
}

INSTRUCTION = Feuille(texte, schema={"type": "string"})
CLES_FEUILLE = frozenset({"valeur", "source", "statut", "note"})


def joindre(chemin: str, cle: str) -> str:
    return f"{chemin}.{cle}" if chemin else cle


class Lecteur:
    """Reads a plain tree against the shape, collecting located errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.erreurs: list[str] = []

    def erreur(self, chemin: str, message: str) -> None:
        self.erreurs.append(f"{chemin} : {message}")

    def lire(self, spec: Feuille | Groupe | Dictionnaire, donnees: Any, chemin: str) -> Any:
        if isinstance(spec, Feuille):
            return self.feuille(spec, donnees, chemin)
        if isinstance(spec, Groupe):
            return self.groupe(spec, donnees, chemin)
        return self.dictionnaire(spec, donnees, chemin)

    def groupe(self, spec: Groupe, donnees: Any, chemin: str) -> Any:
        if not isinstance(donnees, Mapping):
            self.erreur(chemin, "section attendue (dictionnaire de paramètres)")
            return None
        avant = len(self.erreurs)
        for cle in donnees:
            if cle not in spec.champs:
                self.erreur(joindre(chemin, str(cle)), "paramètre inconnu")
        valeurs: dict[str, Any] = {}
        for nom, sous_spec in spec.champs.items():
            sous_chemin = joindre(chemin, nom)
            if nom not in donnees:
                self.erreur(sous_chemin, "paramètre manquant")
                continue
            valeurs[nom] = self.lire(sous_spec, donnees[nom], sous_chemin)
        if len(self.erreurs) > avant:
            return None
        return spec.cls(**valeurs)

    def dictionnaire(self, spec: Dictionnaire, donnees: Any, chemin: str) -> Mapping[str, Any] | None:
        if not isinstance(donnees, Mapping):
            self.erreur(chemin, "section attendue (dictionnaire de paramètres)")
            return None
        resultat = {
            str(cle): self.feuille(spec.feuille, valeur, joindre(chemin, str(cle)))
            for cle, valeur in donnees.items()
        }
        return MappingProxyType(resultat)

    def feuille(self, spec: Feuille, donnees: Any, chemin: str) -> Parametre[Any] | None:
        if not isinstance(donnees, Mapping) or "valeur" not in donnees:
            self.erreur(chemin, "paramètre attendu sous la forme {valeur, source, statut}")
            return None
        avant = len(self.erreurs)
        for cle in donnees:
            if cle not in CLES_FEUILLE:
                self.erreur(
                    joindre(chemin, str(cle)), "clé inconnue (attendu : valeur, source, statut, note)"
                )
        source = donnees.get("source")
        if not isinstance(source, str) or not source.strip():
            self.erreur(joindre(chemin, "source"), "source manquante (référence d'instruction ou URL)")
        statut = donnees.get("statut")
        if statut not in STATUTS:
            self.erreur(
                joindre(chemin, "statut"), f"statut « {statut} » inconnu (attendu : {', '.join(STATUTS)})"
            )
        note = donnees.get("note")
        if note is not None and not isinstance(note, str):
            self.erreur(joindre(chemin, "note"), "texte attendu")
        brute = donnees["valeur"]
        valeur: Any = None
        if brute is None:
            if not spec.nullable:
                self.erreur(chemin, "valeur manquante")
        else:
            try:
                valeur = spec.conv(brute)
            except ValeurInvalide as exc:
                self.erreur(chemin, str(exc))
        if len(self.erreurs) > avant:
            return None
        return Parametre(nom=chemin, valeur=valeur, source=str(source), statut=str(statut), note=note)


def feuille_vers_brut(spec: Feuille, parametre: Parametre[Any]) -> dict[str, Any]:
    brut: dict[str, Any] = {
        "valeur": None if parametre.valeur is None else spec.vers_brut(parametre.valeur),
        "source": parametre.source,
        "statut": parametre.statut,
    }
    if parametre.note is not None:
        brut["note"] = parametre.note
    return brut


def vers_brut(spec: Feuille | Groupe | Dictionnaire, objet: Any) -> Any:
    """Plain (YAML/JSON) form of a built section or leaf."""
    if isinstance(spec, Feuille):
        return feuille_vers_brut(spec, objet)
    if isinstance(spec, Groupe):
        return {nom: vers_brut(sous_spec, getattr(objet, nom)) for nom, sous_spec in spec.champs.items()}
    return {cle: feuille_vers_brut(spec.feuille, parametre) for cle, parametre in objet.items()}


__all__ = ["SECTIONS", "Feuille", "Groupe", "Dictionnaire", "Lecteur", "ValeurInvalide", "vers_brut"]


# --- JSON Schema, generated from the shape above ------------------------------------------------------


def _schema_feuille(spec: Feuille) -> dict[str, Any]:
    valeur: dict[str, Any] = dict(spec.schema)
    if spec.nullable:
        valeur = {"anyOf": [valeur, {"type": "null"}]}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["valeur", "source", "statut"],
        "properties": {
            "valeur": valeur,
            "source": {"type": "string", "minLength": 1},
            "statut": {"enum": list(STATUTS)},
            "note": {"type": "string"},
        },
    }


def _schema(spec: Feuille | Groupe | Dictionnaire, partiel: bool) -> dict[str, Any]:
    if isinstance(spec, Feuille):
        return _schema_feuille(spec)
    if isinstance(spec, Dictionnaire):
        return {"type": "object", "additionalProperties": _schema_feuille(spec.feuille)}
    resultat: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {nom: _schema(sous, partiel) for nom, sous in spec.champs.items()},
    }
    if not partiel:
        resultat["required"] = list(spec.champs)
    return resultat


def schema_json() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the campaign parameters: `campagne` is a full, resolved set (what
    `esms rules params` prints and what a stored version holds), `fichier` a shipped YAML file, which may
    inherit (`herite_de`) and then state only what changes. Written to docs/parametres.schema.json."""
    amendement: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "date_effet", "texte", "source"],
        "properties": {
            "code": {"type": "string"},
            "date_effet": {"type": "string", "format": "date"},
            "texte": {"type": "string"},
            "source": {"type": "string"},
        },
    }
    entete = {
        "code": {"type": "string"},
        "libelle": {"type": "string"},
        "annee": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "instruction": _schema_feuille(INSTRUCTION),
    }

    def racine(partiel: bool) -> dict[str, Any]:
        sections = {nom: _schema(spec, partiel) for nom, spec in SECTIONS.items()}
        modifications = {
            "type": "object",
            "additionalProperties": False,
            "properties": {nom: _schema(spec, True) for nom, spec in SECTIONS.items()},
        }
        proprietes: dict[str, Any] = {
            **entete,
            **sections,
            "amendements": {
                "type": "array",
                "items": {
                    **amendement,
                    "required": [*amendement["required"], "modifications"],
                    "properties": {**amendement["properties"], "modifications": modifications},
                },
            },
        }
        if partiel:
            proprietes["herite_de"] = {"type": "string"}
        else:
            proprietes["amendements_appliques"] = {"type": "array", "items": amendement}
            proprietes["parametres_au"] = {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}
        requis = ["code", "libelle", "annee", "instruction"] + ([] if partiel else list(SECTIONS))
        return {"type": "object", "additionalProperties": False, "required": requis, "properties": proprietes}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Paramètres de campagne ESMS numérique (esms.rules)",
        "description": (
            "Généré depuis esms.rules.schema_campagne.SECTIONS par `esms rules schema` : ne pas modifier à la main. "
            "Chaque feuille est {valeur, source, statut[, note]}. Valider un jeu résolu avec "
            '{"$ref": "#/$defs/campagne"}, un fichier livré avec {"$ref": "#/$defs/fichier"}.'
        ),
        "$defs": {"campagne": racine(False), "fichier": racine(True)},
    }
