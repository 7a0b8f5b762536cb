"""Typed input (a dossier) and output (verdicts with their explanation trace) of the rules.

The JSON contract (`docs/rules.md`, `docs/rules.schema.json`) maps one-to-one onto these types
(frozen dataclasses, and NamedTuples for the per-member and per-motif ones, built by the thousand):
`entree.py` builds a `DossierInput` from a dict, `sortie.py` turns a `DossierVerdict` into a dict.
Amounts are whole euros (`int`); ratios are `Decimal`; nothing here is a float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar

from esms.rules.referencement import SolutionReferencee

T = TypeVar("T", covariant=True)  # frozen containers: covariance is sound

_VIDE: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CommandeSonsInput:
    """A member's SONS « Prestation Ségur » order (from the platform's register, or given in the contract)."""

    solution: str
    vague: int
    date_commande: date
    statut: str = "commande"
    date_deploiement: date | None = None
    version: str | None = None
    editeur: str | None = None


class MembreInput(NamedTuple):
    """One ESSMS of the grappe, as filed (a NamedTuple: immutable and cheap to build by the thousand)."""

    finess_et: str
    finess_ej: str
    categorie: str
    region: str
    departement: str
    cas: str
    solution_dui: str
    solution_referencee_segur: bool
    autres_fonds_ue: bool = False
    deja_finance_pour: str | None = None
    part_heures_eligibles: Decimal = Decimal(1)
    sons_eligible: bool | None = None
    solution_candidate_segur: bool = False
    montant_equipement_demande: int | None = None
    indicateurs: Mapping[str, Decimal] | None = None
    referencement: str | None = None  # "segur" | "resah" | "segur_hospitalier" | "aucun"; None: from the flag
    date_referencement: date | None = None
    ght: bool = False  # the ESSMS belongs to a hospital group (GHT)
    # Optional (JSON contract additions, issue 14): the SONS order (`sons_connu`: the field was given, even
    # null) and the register entry from which `solution_referencee_segur` is derived.
    commande_sons: CommandeSonsInput | None = None
    sons_connu: bool = False
    solution_registre: SolutionReferencee | None = None
    # `"sons_eligible": "derive"`: the eligibility is derived from the SONS waves and the member's order
    # (`decisions/sons.py`, `deriver_eligibilite_sons`), never declared.
    sons_a_deriver: bool = False

    @property
    def type_referencement(self) -> str:
        """How the member's DUI solution is referenced (declared, else read from `solution_referencee_segur`)."""
        if self.referencement is not None:
            return self.referencement
        return "segur" if self.solution_referencee_segur else "aucun"


@dataclass(frozen=True, slots=True)
class PorteurInput:
    """The organisme gestionnaire leading the grappe."""

    finess_ej: str
    nb_essms_geres: int
    region: str | None = None


@dataclass(frozen=True, slots=True)
class VersementInput:
    """Convention data needed to say which payment is due."""

    montant_convention: int
    deja_verse: int = 0
    convention_signee: bool = True


@dataclass(frozen=True, slots=True)
class DossierInput:
    """A grappe's application to a campaign."""

    campaign: str
    submitted_at: datetime
    porteur: PorteurInput
    members: tuple[MembreInput, ...]
    call: str | None = None
    date_parametres: date | None = None
    organismes: Mapping[str, int] = field(default_factory=lambda: _VIDE)
    versement: VersementInput | None = None
    trace_complete: bool = False
    region_pilote: str | None = None  # the porteur's choice of lead ARS


class Motif(NamedTuple):
    """One entry of the explanation trace (a NamedTuple: immutable and cheap to build).

    `bloquant`: a failed blocking rule makes the dossier ineligible. Member rules (`finess_et` set) are
    not blocking: they exclude that member from the grappe's count and funding.
    """

    rule: str
    ok: bool
    message: str
    parameters: Mapping[str, Any]
    source: str
    finess_et: str | None = None
    bloquant: bool = True


@dataclass(frozen=True, slots=True)
class Verdict(Generic[T]):
    """Result of one decision: whether it passed, its value, and why."""

    ok: bool
    valeur: T
    motifs: tuple[Motif, ...]


class FinancementMembre(NamedTuple):
    finess_et: str
    montant: int
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Financement:
    total: int
    total_si_eligible: int
    par_membre: tuple[FinancementMembre, ...]
    projet: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class AtteinteMembre:
    finess_et: str
    cibles_atteintes: bool
    indicateurs: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class AtteinteUsage:
    cibles_atteintes: bool
    nb_membres: int
    nb_membres_atteints: int
    par_membre: tuple[AtteinteMembre, ...]


@dataclass(frozen=True, slots=True)
class VersementDu:
    etape: str  # "avance" | "solde" | "aucun"
    montant_du: int
    montant_convention: int
    deja_verse: int
    avance: int
    droits_acquis: int
    trop_percu: int


@dataclass(frozen=True, slots=True)
class DossierVerdict:
    """Everything the rules say about one dossier."""

    campaign: str
    parametres_au: date
    amendements: tuple[str, ...]
    eligible: bool
    appel: str | None
    region_pilote: str | None
    date_limite: date | None
    cloture: datetime | None
    dans_les_delais: bool
    nb_membres_eligibles: int
    financement: Financement
    usage: AtteinteUsage | None
    versement: VersementDu | None
    motifs: tuple[Motif, ...]
    ouverture: date | None = None
    fenetre: Any = None  # FenetreSelection | None
    region_pilote_par_defaut: str | None = None
    nb_essms_routage: int = 0
    reserves: tuple[Motif, ...] = ()
