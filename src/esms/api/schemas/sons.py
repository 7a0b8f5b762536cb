"""Schemas of the SONS routes: a vendor's purchase order or deployment, and the orders it can read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import model_validator

from esms.api.pagination import Page
from esms.api.schemas.communs import NumeroFiness


class DeclarationCommande(Schema):
    finess_et: NumeroFiness = Field(description="FINESS ET de l'établissement (il doit avoir autorisé l'éditeur).")
    solution_id: int = Field(ge=1, le=2**62, description="Identifiant de la solution dans le registre des "
                             "solutions référencées (une solution de l'éditeur du compte).")
    vague: Literal[1, 2] = Field(description="Vague SONS de la commande (1 ou 2).")
    date_commande: date = Field(description="Date du bon de commande (AAAA-MM-JJ).")
    date_deploiement: date | None = Field(None, description="Date du déploiement (vérification du service "
                                          "régulier), obligatoire pour les statuts « deploye » et « paye ».")
    statut: Literal["commande", "deploye", "paye"] = Field(description="commande, deploye ou paye (payé au "
                                                           "vendeur) ; le statut ne revient jamais en arrière.")

    @model_validator(mode="after")
    def _coherence(self):
        if self.date_deploiement is not None and self.date_deploiement < self.date_commande:
            raise ValueError("La date de déploiement précède la date de commande.")
        return self


class SolutionResume(Schema):
    id: int
    nom: str
    version: str
    editeur: str = Field(alias="editeur.nom")


class CommandeSons(Schema):
    id: int
    finess_et: str = Field(alias="etablissement_id")
    region: str = Field(alias="etablissement.region_id")
    solution: SolutionResume
    vague: int
    date_commande: date
    date_deploiement: date | None
    statut: str
    canal: str
    modifiee_le: datetime


class PageCommandes(Page):
    items: list[CommandeSons]
