"""Schemas of the dashboard data: each answer states its perimeter and when its figures were computed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from esms.api.schemas.communs import Code3, Code10


class FiltresPilotage(Schema):
    region: Code3 = Field("", description="Code INSEE d'une région (par défaut : national pour un administrateur, "
                                          "sa région pour un agent ARS).")
    campagne: Code10 = Field("", description="Code de la campagne (par défaut : toutes).")


class Perimetre(Schema):
    region: str | None = Field(description="Code INSEE de la région, vide pour la France entière.")
    campagne: str | None


class Reponse(Schema):
    perimetre: Perimetre
    calcule_le: datetime = Field(description="Date du calcul des chiffres (agrégats précalculés).")
    a_jour: bool = Field(description="Faux quand un changement est survenu depuis : le recalcul est en cours.")


class DuiActifs(Schema):
    disponible: bool = Field(description="Faux tant que l'indicateur n'est pas collecté.")
    dui_actifs: int | None
    cible: int
    taux: float | None
    le: date | None = None


class Indicateurs(Schema):
    etablissements_embarques: int
    cible_etablissements: int
    taux_etablissements: float | None
    dossiers: int = Field(description="Dossiers retenus.")
    montant_retenu: int
    dui: DuiActifs


class ReponseIndicateurs(Reponse):
    indicateurs: Indicateurs


class LigneCouverture(Schema):
    code: str
    nom: str
    eligibles: int
    embarques: int
    taux: float | None
    dossiers_retenus: int | None = None
    region_id: str | None = None


class ReponseCouverture(Reponse):
    par: Literal["region", "departement"]
    lignes: list[LigneCouverture]


class LigneEnveloppe(Schema):
    region: str | None
    libelle: str
    dotation: int
    engage: int
    disponible: int
    versements_programmes: int
    versements_ordonnes: int
    versements_payes: int


class ReponseEnveloppes(Reponse):
    lignes: list[LigneEnveloppe]


class LigneEtat(Schema):
    etat: str
    libelle: str
    regional: int
    multiregional: int
    national: int
    total: int


class ReponseDossiers(Reponse):
    lignes: list[LigneEtat]


class LigneMois(Schema):
    mois: str = Field(description="AAAA-MM (heure de Paris).")
    deposes: int
    retenus: int
    non_retenus: int


class ReponseEvolution(Reponse):
    lignes: list[LigneMois]


class LigneSecteur(Schema):
    secteur: str
    libelle: str
    etablissements: int
    part: float | None


class ReponseSecteurs(Reponse):
    lignes: list[LigneSecteur]


class LigneDui(Schema):
    cle: str | None
    libelle: str | None
    dui_actifs: int


class ReponseDuiActifs(Reponse):
    par: Literal["region", "secteur"]
    disponible: bool
    lignes: list[LigneDui]
