"""Shape of a campaign parameter set, its validation (located French errors) and its serialisation.

The same shape is used by the YAML files of `campagnes/`, by `campagne_from_dict` (versions edited by a
national administrator) and by `campagne_to_dict` (`esms rules params`, storage of versions). A leaf is
`{valeur, source, statut[, note]}`; a section is a mapping of leaves and sections. Unknown keys are errors,
so that a typo in an edited version never goes unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from esms.rules.categories import SECTEURS
from esms.rules.geographie import REGIONS
from esms.rules.nomenclature import PAR_CODE
from esms.rules.parametres import (
    EXIGENCES_LOGICIEL,
    OPERATEURS,
    STATUTS,
    Exemption,
    ExigenceLogiciel,
    FenetreAppel,
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
    """A leaf: converter from the plain value, and back."""

    conv: Convertisseur
    nullable: bool = False
    vers_brut: Convertisseur = _identite


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


# --- the shape ----------------------------------------------------------------------------------------

ENTIER_POSITIF = Feuille(entier(1))
ENTIER_POSITIF_OU_NUL = Feuille(entier(1), nullable=True)
MONTANT_OU_NUL = Feuille(montant, nullable=True)
BOOLEEN = Feuille(booleen)
DATE_OU_NULLE = Feuille(une_date, nullable=True, vers_brut=date_iso)

FENETRE = Groupe(FenetreAppel, {"ouvert": BOOLEEN, "ouverture": DATE_OU_NULLE, "cloture": DATE_OU_NULLE})

SECTIONS: dict[str, Groupe] = {
    "grappe": Groupe(
        ParametresGrappe,
        {
            "taille_min": ENTIER_POSITIF,
            "taille_min_corse_outre_mer": ENTIER_POSITIF,
            "regions_corse_outre_mer": Feuille(regions, vers_brut=brut_tuple),
            "seuil_national": ENTIER_POSITIF_OU_NUL,
            "appel_grappe_mono_regionale": Feuille(choix("national", "regional")),
            "solution_dui_unique": BOOLEEN,
            "nb_og_min": ENTIER_POSITIF_OU_NUL,
            "nb_og_min_corse_outre_mer": ENTIER_POSITIF_OU_NUL,
        },
    ),
    "calendrier": Groupe(
        ParametresCalendrier,
        {
            "fuseau_horaire": Feuille(texte),
            "regional": FENETRE,
            "multiregional": FENETRE,
            "national": FENETRE,
        },
    ),
    "enveloppes": Groupe(
        ParametresEnveloppes,
        {
            "total": MONTANT_OU_NUL,
            "regional": MONTANT_OU_NUL,
            "appel_national": MONTANT_OU_NUL,
            "par_region": Feuille(montants_par_region, vers_brut=brut_mapping),
            "autres_lignes": Feuille(montants_nommes, vers_brut=brut_mapping),
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
            "arrondi": Feuille(choix("euro_inferieur", "euro_le_plus_proche")),
        },
    ),
    "versement": Groupe(
        ParametresVersement,
        {
            "part_avance": Feuille(ratio, vers_brut=decimal_brut),
            "solde_atteinte_partielle": Feuille(choix("aucun", "prorata")),
        },
    ),
    "logiciel": Groupe(
        ParametresLogiciel,
        {
            "referencement_segur_requis": BOOLEEN,
            "exemption_projet_ahi_pjm": BOOLEEN,
            "exigences_par_secteur": Feuille(exigences, vers_brut=brut_exigences),
        },
    ),
    "eligibilite": Groupe(
        ParametresEligibilite,
        {
            "usld_exclue": BOOLEEN,
            "cumul_fonds_ue_interdit": BOOLEEN,
            "categories_prioritaires": Feuille(categories, nullable=True, vers_brut=brut_tuple),
            "part_max_hors_priorite": Feuille(ratio, nullable=True, vers_brut=decimal_brut),
        },
    ),
    "usage": Groupe(
        ParametresUsage,
        {
            "dui_actif": Groupe(
                ParametresDuiActif, {"ecritures_min": ENTIER_POSITIF, "fenetre_jours": ENTIER_POSITIF}
            ),
            "indicateurs": Dictionnaire(Feuille(indicateur, vers_brut=brut_indicateur)),
            "exemptions": Feuille(exemptions, vers_brut=brut_exemptions),
        },
    ),
}

INSTRUCTION = Feuille(texte)
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
