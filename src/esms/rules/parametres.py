"""Typed, immutable campaign parameters (the resolved "version" of one campagne).

Every leaf is a `Parametre`: its value with the `source` it comes from (instruction reference and/or URL),
its `statut` (« confirmé » or « à confirmer ») and an optional `note` recording a disagreement between
sources or the reading chosen. `nom` is the dotted path of the leaf ("grappe.taille_min"), used by the
explanation traces. The shape mirrors the YAML files of `campagnes/` (see `schema_campagne.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from esms.rules.valeurs_json import jsonable

T = TypeVar("T", covariant=True)  # frozen containers: covariance is sound

CONFIRME = "confirmé"
A_CONFIRMER = "à confirmer"
STATUTS: tuple[str, ...] = (CONFIRME, A_CONFIRMER)

APPELS: tuple[str, ...] = ("regional", "multiregional", "national")
CAS: tuple[str, ...] = ("acquisition", "usage", "mise_a_niveau")
EXIGENCES_LOGICIEL: tuple[str, ...] = ("referencement", "candidature", "aucune")
# How a DUI solution is referenced (text 004: Resah referencing dropped in 2023 for Ségur referencing,
# hospital-corridor referencing accepted for ESSMS of a GHT).
REFERENCEMENTS: tuple[str, ...] = ("segur", "resah", "segur_hospitalier", "aucun")
CONDITIONS_DOCUMENT: tuple[str, ...] = ("toujours", "acquisition", "domicile")
OPERATEURS: tuple[str, ...] = (">=", ">", "<=", "<", "==")


@dataclass(frozen=True, slots=True)
class Parametre(Generic[T]):
    """One parameter value with its provenance."""

    nom: str
    valeur: T
    source: str
    statut: str
    note: str | None = None
    valeur_json: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: traces quote parameter values thousands of times per second.
        object.__setattr__(self, "valeur_json", jsonable(self.valeur))

    @property
    def a_confirmer(self) -> bool:
        return self.statut == A_CONFIRMER


@dataclass(frozen=True, slots=True)
class Amendement:
    """A dated amendment applied to the base instruction of a campaign."""

    code: str
    date_effet: date
    texte: str
    source: str


@dataclass(frozen=True, slots=True)
class ParametresGrappe:
    taille_min: Parametre[int]
    taille_min_corse_outre_mer: Parametre[int]
    regions_corse_outre_mer: Parametre[tuple[str, ...]]
    seuil_national: Parametre[int | None]
    appel_grappe_mono_regionale: Parametre[str]
    solution_dui_unique: Parametre[bool]
    nb_og_min: Parametre[int | None]
    nb_og_min_corse_outre_mer: Parametre[int | None]
    regions_seuil_indicatif: Parametre[tuple[str, ...]]
    ars_pilote_au_choix: Parametre[bool]


@dataclass(frozen=True, slots=True)
class FenetreAppel:
    ouvert: Parametre[bool]
    ouverture: Parametre[date | None]
    cloture: Parametre[date | None]


@dataclass(frozen=True, slots=True)
class FenetreSelection:
    """A selection window of a call (text 003: the Corse 2022 call had two)."""

    code: str
    libelle: str
    debut: date
    fin: date


@dataclass(frozen=True, slots=True)
class CalendrierAppelRegional:
    """One ARS's own dates for one call; None means « the national date »."""

    ouverture: date | None
    cloture: date | None
    fenetres: tuple[FenetreSelection, ...]


@dataclass(frozen=True, slots=True)
class ParametresCalendrier:
    fuseau_horaire: Parametre[str]
    fuseaux_par_region: Parametre[Mapping[str, str]]
    regional: FenetreAppel
    multiregional: FenetreAppel
    national: FenetreAppel
    fenetres_selection: Parametre[Mapping[str, tuple[FenetreSelection, ...]]]
    par_region: Mapping[str, Parametre[Mapping[str, CalendrierAppelRegional]]]
    engagement_avant: Parametre[date | None]

    def fenetre(self, appel: str) -> FenetreAppel:
        fenetres = {"regional": self.regional, "multiregional": self.multiregional, "national": self.national}
        return fenetres[appel]

    def fuseau(self, region: str | None) -> str:
        """Time zone of the ARS of `region` for its deadlines (the campaign's default otherwise)."""
        if region is not None and region in self.fuseaux_par_region.valeur:
            return self.fuseaux_par_region.valeur[region]
        return self.fuseau_horaire.valeur


@dataclass(frozen=True, slots=True)
class ParametresEnveloppes:
    total: Parametre[int | None]
    regional: Parametre[int | None]
    appel_national: Parametre[int | None]
    frais_gestion: Parametre[int | None]
    par_region: Parametre[Mapping[str, int]]
    lignes_hors_programme: Parametre[Mapping[str, int]]
    autres_lignes: Parametre[Mapping[str, int]]


@dataclass(frozen=True, slots=True)
class ParametresForfaits:
    acquisition: Parametre[int | None]
    usage: Parametre[int | None]
    mise_a_niveau: Parametre[int | None]

    def pour(self, cas: str) -> Parametre[int | None]:
        forfaits = {"acquisition": self.acquisition, "usage": self.usage, "mise_a_niveau": self.mise_a_niveau}
        return forfaits[cas]


@dataclass(frozen=True, slots=True)
class ParametresPetitOG:
    seuil_essms: Parametre[int]
    equipement_plafond_par_essms: Parametre[int | None]
    marche_par_projet: Parametre[int | None]
    pilotage_par_projet: Parametre[int | None]
    amoa_par_projet: Parametre[int | None]


@dataclass(frozen=True, slots=True)
class ParametresFinancement:
    forfaits: ParametresForfaits
    petit_og: ParametresPetitOG
    nb_essms_finances_max: Parametre[int | None]
    prorata_domicile: Parametre[bool]
    arrondi: Parametre[str]


@dataclass(frozen=True, slots=True)
class ParametresVersement:
    part_avance: Parametre[Decimal]
    solde_atteinte_partielle: Parametre[str]


@dataclass(frozen=True, slots=True)
class ExigenceLogiciel:
    """Software requirement for members of a sector (and, optionally, of a SONS eligibility)."""

    secteur: str
    sons_eligible: bool | None
    exigence: str


@dataclass(frozen=True, slots=True)
class ParametresLogiciel:
    referencement_segur_requis: Parametre[bool]
    referencements_acceptes: Parametre[tuple[str, ...]]
    exception_ght_couloir_hospitalier: Parametre[bool]
    referencement_au_depot: Parametre[bool]
    exemption_projet_ahi_pjm: Parametre[bool]
    exigences_par_secteur: Parametre[tuple[ExigenceLogiciel, ...]]


@dataclass(frozen=True, slots=True)
class ParametresEligibilite:
    usld_exclue: Parametre[bool]
    cumul_fonds_ue_interdit: Parametre[bool]
    categories_prioritaires: Parametre[tuple[str, ...] | None]
    part_max_hors_priorite: Parametre[Decimal | None]


@dataclass(frozen=True, slots=True)
class Indicateur:
    """A usage indicator: the target is met when `valeur <operateur> seuil` over `periode`."""

    libelle: str
    operateur: str
    seuil: Decimal
    unite: str
    periode: str


@dataclass(frozen=True, slots=True)
class Exemption:
    """Members of `secteur` (with the given SONS eligibility, any if None) are exempt from `indicateurs`."""

    secteur: str
    sons_eligible: bool | None
    indicateurs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParametresDuiActif:
    ecritures_min: Parametre[int]
    fenetre_jours: Parametre[int]


@dataclass(frozen=True, slots=True)
class ParametresUsage:
    dui_actif: ParametresDuiActif
    indicateurs: Mapping[str, Parametre[Indicateur]]
    exemptions: Parametre[tuple[Exemption, ...]]
    tolerance_ecart: Parametre[Decimal]


@dataclass(frozen=True, slots=True)
class Cible:
    """A national target: `valeur` reached by `echeance`."""

    valeur: int
    unite: str
    echeance: date


@dataclass(frozen=True, slots=True)
class DocumentRequis:
    """A document the porteur files with the dossier; `condition` says when it is required."""

    code: str
    libelle: str
    condition: str


@dataclass(frozen=True, slots=True)
class ParametresProgramme:
    cible_dui_actifs: Parametre[Cible]
    cible_essms: Parametre[Cible]
    documents_requis: Parametre[tuple[DocumentRequis, ...]]


@dataclass(frozen=True, slots=True)
class Campagne:
    """All the parameters of one campaign, resolved at a date (amendments in force applied)."""

    code: str
    libelle: str
    annee: int
    instruction: Parametre[str]
    amendements_appliques: tuple[Amendement, ...]
    grappe: ParametresGrappe
    calendrier: ParametresCalendrier
    enveloppes: ParametresEnveloppes
    financement: ParametresFinancement
    versement: ParametresVersement
    logiciel: ParametresLogiciel
    eligibilite: ParametresEligibilite
    usage: ParametresUsage
    programme: ParametresProgramme
