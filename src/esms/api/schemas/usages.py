"""Schemas of the vendors' usage routes: one indicator report of an establishment, one evidence file."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, StringConstraints, model_validator

from esms import nombres
from esms.api.schemas.communs import NumeroFiness, Texte100


def _valeur(brute: object) -> str | None:
    """An indicator value: a JSON number or a decimal text (comma accepted), None for « not reported »;
    bounded like every decimal of the platform (`esms.nombres`: no exponent, at most 12 digits)."""
    if brute is None:
        return None
    if isinstance(brute, bool) or not isinstance(brute, str | int | float | Decimal):
        raise ValueError("Un nombre (ou un texte décimal) est attendu.")
    try:
        valeur = nombres.decimal_borne(brute, negatif=True)
    except nombres.NombreInvalide as exc:
        raise ValueError(f"Valeur refusée : {exc}.") from None
    return None if valeur is None else nombres.texte_decimal(valeur)


ValeurIndicateur = Annotated[Annotated[str, StringConstraints(max_length=40)] | None,
                             BeforeValidator(_valeur, json_schema_input_type=float | str | None)]


class _Periode(Schema):
    @model_validator(mode="after")
    def _fin_apres_debut(self):
        if self.fin < self.debut:
            raise ValueError(f"La fin de la période ({self.fin:%d/%m/%Y}) précède son début ({self.debut:%d/%m/%Y}).")
        return self


class SoumissionIndicateurs(_Periode):
    finess_et: NumeroFiness = Field(description="FINESS ET de l'établissement (il doit avoir autorisé l'éditeur).")
    debut: date = Field(description="Début de la période (AAAA-MM-JJ).")
    fin: date = Field(description="Fin de la période (AAAA-MM-JJ).")
    dui_actifs: int = Field(strict=True, ge=0, le=nombres.COMPTE_MAX,
                            description="Nombre de DUI actifs déclaré pour la période (entier JSON, au plus dix millions).")
    valeurs: dict[Texte100, ValeurIndicateur] = Field(
        default_factory=dict, max_length=50,
        description="Indicateurs du catalogue de la campagne : code → valeur décimale (taux_dui_actifs…).")


class DossierReference(Schema):
    id: int
    numero: str | None


class RapportIndicateurs(Schema):
    id: int
    dossier: DossierReference
    finess_et: str = Field(alias="etablissement_id")
    periode_debut: date
    periode_fin: date
    dui_actifs: int
    valeurs: dict[str, str]
    canal: str
    cree_le: datetime


class DepotPreuve(_Periode):
    finess_et: NumeroFiness = Field(description="FINESS ET d'un établissement de la grappe ayant autorisé l'éditeur.")
    debut: date = Field(description="Début de la période couverte (AAAA-MM-JJ).")
    fin: date = Field(description="Fin de la période couverte (AAAA-MM-JJ).")


class Preuve(Schema):
    id: int
    dossier: DossierReference
    sha256: str
    nom_original: str
    format: str
    taille: int
    periode_debut: date
    periode_fin: date
    nb_evenements: int
    nb_dui: int
    dui_actifs: dict[str, int] = Field(alias="resultats", description="DUI actifs recalculés, par FINESS ET.")
    rang_journal: int = Field(description="Rang de la preuve dans le journal chaîné des dépôts.")
    deposee_le: datetime

    @staticmethod
    def resolve_rang_journal(obj) -> int:
        return obj.maillon.rang
