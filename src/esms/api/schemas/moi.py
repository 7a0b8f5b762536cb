"""Schemas of the caller: its account, role, scope sizes and the token in use."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from esms.api.schemas.communs import Reference


class JetonCourant(Schema):
    nom: str
    prefixe: str
    portees: list[str]
    cree_le: datetime
    expire_le: datetime | None


class Moi(Schema):
    identifiant: str
    nom: str
    role: Reference | None
    region: str | None = Field(description="Agents ARS : code INSEE de leur région.")
    organismes: list[str] = Field(description="Porteurs : FINESS EJ représentés.")
    nb_etablissements: int = Field(description="Gestionnaires et éditeurs : nombre d'ET de leur périmètre "
                                               "(liste : /moi/etablissements).")
    jeton: JetonCourant
