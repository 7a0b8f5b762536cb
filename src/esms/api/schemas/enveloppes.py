"""Schemas of envelopes: each with its balances, always the sums of its ledger."""

from __future__ import annotations

from ninja import Field, Schema

from esms.api.pagination import Page
from esms.api.schemas.communs import Code10, Reference


class FiltresEnveloppes(Schema):
    campagne: Code10 = Field("", description="Code de la campagne (2024…).")


class Enveloppe(Schema):
    id: int
    libelle: str
    campagne: str
    region: Reference | None = Field(description="Vide : enveloppe nationale (appel national).")
    dotation: int = Field(description="Somme des dotations (€).")
    engage: int = Field(description="Engagé, net des libérations (€).")
    disponible: int = Field(description="Dotation moins engagements nets (€).")

    @staticmethod
    def resolve_campagne(obj) -> str:
        return obj.campagne.code

    @staticmethod
    def resolve_region(obj) -> dict | None:
        return {"code": obj.region_id, "libelle": obj.region.nom} if obj.region_id else None

    @staticmethod
    def resolve_engage(obj) -> int:
        return obj.dotation - obj.disponible


class PageEnveloppes(Page):
    items: list[Enveloppe]
