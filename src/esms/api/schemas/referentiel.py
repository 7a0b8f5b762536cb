"""Schemas of the FINESS référentiel: establishments (ET), legal entities (EJ), regions, categories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ninja import Field, Schema

from esms.api.pagination import Page
from esms.api.schemas.communs import Code3, Code4, Reference, Texte100
from esms.referentiel.models import Etablissement as EtablissementModele
from esms.referentiel.models import OrganismeGestionnaire
from esms.rules.categories import SECTEURS

Secteur = Literal[SECTEURS]  # type: ignore[valid-type]


class FiltresEtablissements(Schema):
    q: Texte100 = Field("", description="Nom (mots dans n'importe quel ordre), numéro FINESS ET ou EJ, "
                                           "ou début de numéro.")
    commune: Texte100 = Field("", description="Code INSEE, code postal ou nom de la commune.")
    departement: Code3 = Field("", description="Code INSEE du département (01, 2A, 971…).")
    categorie: Code4 = Field("", description="Code de catégorie FINESS (500 : EHPAD…).")
    secteur: Secteur | None = Field(None, description="Secteur du programme (qualifié, sinon celui de la catégorie).")
    eligibles: bool = Field(False, description="Seulement les catégories éligibles au programme.")
    statut: Literal["ouverts", "fermes", "tous"] = Field("ouverts", description="Établissements ouverts, fermés ou tous.")


class Categorie(Schema):
    code: str
    libelle: str
    eligible: bool
    secteur: str


class Departement(Schema):
    code: str
    nom: str


class Region(Schema):
    code: str
    nom: str
    est_corse: bool
    est_outre_mer: bool


class EtablissementResume(Schema):
    finess_et: str
    finess_ej: str = Field(alias="organisme_id")
    raison_sociale: str
    categorie: Categorie
    departement: Departement
    region: str = Field(alias="region_id", description="Code INSEE de la région.")
    commune: str = Field(alias="ligne_acheminement", description="Code postal et commune (ligne d'acheminement).")
    secteur: str = Field(description="Secteur du programme : qualifié par l'ARS, sinon celui de la catégorie.")
    ouvert: bool


class OrganismeResume(Schema):
    finess_ej: str
    raison_sociale: str


class Etablissement(EtablissementResume):
    raison_sociale_longue: str
    adresse: str
    code_commune: str
    region_nom: str
    organisme: OrganismeResume
    telephone: str
    siret: str
    code_ape: str
    mode_fixation_tarifs: Reference | None
    date_ouverture: date | None
    date_autorisation: date | None
    date_maj_finess: date | None
    ferme_le: date | None
    latitude: float | None
    longitude: float | None
    secteur_qualifie: str = Field(description="Secteur qualifié par un agent ARS (vide : celui de la catégorie).")

    @staticmethod
    def resolve_adresse(obj) -> str:
        voie = " ".join(p for p in (obj.numero_voie, obj.type_voie, obj.voie) if p)
        return ", ".join(p for p in (obj.complement_distribution, voie, obj.lieu_dit_bp) if p)

    @staticmethod
    def resolve_region_nom(obj) -> str:
        return obj.region.nom

    @staticmethod
    def resolve_mode_fixation_tarifs(obj) -> dict | None:
        return {"code": obj.code_mft, "libelle": obj.libelle_mft} if obj.code_mft else None


class PageEtablissements(Page):
    items: list[EtablissementResume]


class ChiffresOrganisme(Schema):
    total: int
    ouverts: int
    eligibles: int = Field(description="Établissements ouverts d'une catégorie éligible.")


class Organisme(Schema):
    finess_ej: str
    raison_sociale: str
    raison_sociale_longue: str
    siren: str
    statut_juridique: Reference | None
    adresse: str
    commune: str = Field(alias="ligne_acheminement")
    departement: Departement | None
    est_ebauche: bool = Field(description="Vrai quand l'organisme n'est connu que par le fichier des ET.")
    chiffres: ChiffresOrganisme
    etablissements: list[EtablissementResume]

    @staticmethod
    def resolve_statut_juridique(obj) -> dict | None:
        statut = obj.statut_juridique
        return {"code": statut.code, "libelle": statut.libelle} if statut else None


class PageCategories(Page):
    items: list[Categorie]


class PageRegions(Page):
    items: list[Region]


@dataclass(frozen=True)
class OrganismeAPI:
    """What `Organisme` reads: the organisme's own fields (delegated), and its figures and establishments loaded
    by the route (never attributes set on the model instance)."""

    organisme: OrganismeGestionnaire
    chiffres: dict[str, int]
    etablissements: list[EtablissementModele]

    def __getattr__(self, nom: str) -> Any:
        return getattr(self.organisme, nom)
