"""Schemas of dossiers (candidatures): filters of the list, summary rows, the detail with its grappe's members,
the rules' verdict, its history, its convention and payments. Private annotations and avis are never exposed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema

from esms.api.pagination import Page
from esms.api.schemas.communs import Code3, Code10, Reference, Texte100
from esms.candidatures.etats import Etat
from esms.candidatures.models import Dossier
from esms.candidatures.models import Membre as MembreGrappe
from esms.candidatures.selectors import TRIS

if TYPE_CHECKING:  # built at run time from the states, calls and sorts (ninja documents them as enums)
    EtatDossier = str
    AppelDossier = str
    TriDossiers = str
else:
    EtatDossier = Literal[tuple(Etat.values)]
    AppelDossier = Literal[tuple(Dossier.Appel.values)]
    TriDossiers = Literal[tuple(TRIS)]


class FiltresDossiers(Schema):
    q: Texte100 = Field("", description="Numéro, nom de grappe, porteur (raison sociale ou FINESS EJ) ou FINESS ET "
                                         "d'un membre.")
    etat: EtatDossier | None = Field(None, description="État du dossier.")
    appel: AppelDossier | None = Field(None, description="Appel à projets : régional, multirégional ou national.")
    campagne: Code10 = Field("", description="Code de la campagne (2024…).")
    region: Code3 = Field("", description="Code INSEE d'une région concernée par le dossier.")
    mes_dossiers: bool = Field(False, description="Seulement les dossiers dont l'appelant est l'instructeur.")
    tri: TriDossiers | None = Field(None, description="Tri (par défaut : derniers déposés d'abord).")


class Porteur(Schema):
    finess_ej: str
    raison_sociale: str


class DossierResume(Schema):
    id: int
    numero: str | None = Field(description="Numéro attribué au dépôt (vide pour un brouillon).")
    etat: Reference
    appel: str = Field(description="regional, multiregional, national (vide avant le dépôt).")
    campagne: str
    grappe: str
    porteur: Porteur
    region_pilote: str | None = Field(alias="region_pilote_id")
    montant_demande: int
    montant_retenu: int | None
    depose_le: datetime | None
    decide_le: datetime | None
    modifie_le: datetime

    @staticmethod
    def resolve_etat(obj) -> dict:
        return {"code": obj.etat, "libelle": obj.get_etat_display()}

    @staticmethod
    def resolve_campagne(obj) -> str:
        return obj.grappe.campagne.code

    @staticmethod
    def resolve_grappe(obj) -> str:
        return obj.grappe.nom

    @staticmethod
    def resolve_porteur(obj) -> dict:
        return {"finess_ej": obj.grappe.porteur_id, "raison_sociale": obj.grappe.porteur.raison_sociale}


class DossierLigne(DossierResume):
    nb_membres: int


class PageDossiers(Page):
    items: list[DossierLigne]


class Membre(Schema):
    finess_et: str = Field(alias="etablissement_id")
    raison_sociale: str
    finess_ej: str
    categorie: str
    region: str
    cas: str
    sons_eligible: bool
    autres_fonds_ue: bool

    @staticmethod
    def resolve_raison_sociale(obj) -> str:
        return obj.etablissement.raison_sociale

    @staticmethod
    def resolve_finess_ej(obj) -> str:
        return obj.etablissement.organisme_id

    @staticmethod
    def resolve_categorie(obj) -> str:
        return obj.etablissement.categorie_id

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.etablissement.region_id


class Motif(Schema):
    regle: str
    ok: bool
    bloquant: bool
    message: str
    finess_et: str | None


class Verdict(Schema):
    fige: bool = Field(description="Vrai : verdict figé au dépôt ; faux : évalué maintenant sur la grappe.")
    eligible: bool | None
    appel: str | None
    region_pilote: str | None
    dans_les_delais: bool | None
    nb_membres_eligibles: int | None
    montant_total: int | None = Field(description="Financement calculé par les règles (€).")
    parametres_au: str | None
    motifs: list[Motif]


class Etape(Schema):
    transition: str = Field(alias="nom")
    etat_avant: str
    etat_apres: str
    date: datetime = Field(alias="cree_le")


class Convention(Schema):
    numero: str
    montant: int
    date_signature: date | None


class Versement(Schema):
    type: str
    montant: int
    statut: str
    libelle: str
    cree_le: datetime


class DossierDetail(DossierResume):
    regions: list[str] = Field(description="Codes INSEE des régions des membres.")
    solution_dui: str
    solution_referencee_segur: bool = Field(description="Déduit du registre : la solution retenue est référencée "
                                            "Ségur pour le secteur de chaque membre à la date de la campagne.")
    motif_decision: str
    instructeur: str | None = Field(description="Agent instructeur à qui le dossier est attribué (vide sinon).")
    membres: list[Membre]
    verdict: Verdict | None
    verdict_indisponible: str = Field(description="Pourquoi le verdict n'a pas pu être évalué (vide sinon).")
    historique: list[Etape]
    convention: Convention | None
    versements: list[Versement]

    # Read from a `DossierAPI` (below): the dossier and the rows the route loaded through the selectors.
    @staticmethod
    def resolve_solution_dui(obj) -> str:
        return obj.grappe.solution_dui

    @staticmethod
    def resolve_instructeur(obj) -> str | None:
        return str(obj.instructeur) if obj.instructeur_id else None

    @staticmethod
    def resolve_solution_referencee_segur(obj) -> bool:
        from esms.candidatures.regles import referencement_derive

        return referencement_derive(obj.grappe)


@dataclass(frozen=True)
class MembreAPI:
    """A member as `Membre` reads it: the row's fields (delegated) and its SONS eligibility, derived by the rules
    from the SONS waves and the member's order (never declared), computed for all members at once by the route."""

    membre: MembreGrappe
    sons_eligible: bool

    def __getattr__(self, nom: str) -> Any:
        return getattr(self.membre, nom)


@dataclass(frozen=True)
class DossierAPI:
    """What `DossierDetail` reads: the dossier's own fields (delegated), and the related rows and the API
    verdict loaded by the route (never attributes set on the model instance)."""

    dossier: Dossier
    regions: list[str]
    membres: list[Any]
    verdict: dict[str, Any] | None
    verdict_indisponible: str
    historique: list[Any]
    convention: Any
    versements: list[Any]

    def __getattr__(self, nom: str) -> Any:
        return getattr(self.dossier, nom)


def verdict_api(verdict: dict[str, Any] | None, *, fige: bool) -> dict[str, Any] | None:
    """The summary of a verdict of the rules' JSON contract (see docs/rules.md)."""
    if verdict is None:
        return None
    return {
        "fige": fige, "eligible": verdict.get("eligible"), "appel": verdict.get("appel"),
        "region_pilote": verdict.get("region_pilote"), "dans_les_delais": verdict.get("dans_les_delais"),
        "nb_membres_eligibles": verdict.get("nb_membres_eligibles"),
        "montant_total": (verdict.get("financement") or {}).get("total"),
        "parametres_au": verdict.get("parametres_au"),
        "motifs": [{"regle": m.get("rule", ""), "ok": bool(m.get("ok")), "bloquant": bool(m.get("bloquant")),
                    "message": m.get("message", ""), "finess_et": m.get("finess_et")}
                   for m in verdict.get("motifs") or []],
    }
