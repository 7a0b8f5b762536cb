"""Read queries on envelopes: balances are always the sum of the ledger.

Campaigns and dossiers are models of `candidatures`, an app above this one: they are reached through this
app's own foreign keys (`Enveloppe.campagne`, `LigneEnveloppe.dossier`), never by importing candidatures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict, cast

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from esms.comptes.permissions import Acteur, filter_scope, get_in_scope, require
from esms.financement.models import Convention, Enveloppe, LigneEnveloppe, Versement

if TYPE_CHECKING:  # types only
    from django_stubs_ext import WithAnnotations

    from esms.candidatures.models import Campagne, Dossier


@dataclass(frozen=True)
class EtatEnveloppe:
    dotation: int
    engage: int  # net of releases
    disponible: int


def etat(enveloppe: Enveloppe) -> EtatEnveloppe:
    sums = LigneEnveloppe.objects.filter(enveloppe=enveloppe).aggregate(
        dotation=Coalesce(Sum("montant", filter=Q(type=LigneEnveloppe.Type.DOTATION)), 0),
        total=Coalesce(Sum("montant"), 0),
    )
    return EtatEnveloppe(dotation=sums["dotation"], engage=sums["dotation"] - sums["total"],
                         disponible=sums["total"])


class _Etat(TypedDict):
    dotation: int
    disponible: int
    engage: int


if TYPE_CHECKING:
    EnveloppeAvecEtat: TypeAlias = WithAnnotations[Enveloppe, _Etat]


def enveloppes_avec_etat(*, actor: Acteur, campagne_code: str | None = None) -> QuerySet[EnveloppeAvecEtat]:
    """Envelopes in the actor's scope, annotated with dotation, engage and disponible in one query."""
    require(actor, "enveloppes.consulter")
    qs = filter_scope(actor, Enveloppe.objects.select_related("campagne", "region"))
    if campagne_code:
        qs = qs.filter(campagne__code=campagne_code)
    return qs.annotate(
        dotation=Coalesce(Sum("lignes__montant", filter=Q(lignes__type=LigneEnveloppe.Type.DOTATION)), 0),
        disponible=Coalesce(Sum("lignes__montant"), 0),
    ).annotate(engage=F("dotation") - F("disponible")).order_by("campagne__code", "region__nom")


def enveloppe_du_dossier(dossier: Dossier) -> Enveloppe | None:
    """Regional and multi-regional dossiers commit the lead region's envelope; national ones the national one."""
    region = None if dossier.appel == "national" else dossier.region_pilote_id
    return Enveloppe.objects.filter(campagne_id=dossier.grappe.campagne_id, region_id=region).first()


def _modele_cible(modele: Any, champ: str) -> Any:
    """The model a foreign key of this app points to."""
    return modele._meta.get_field(champ).related_model


def campagnes() -> QuerySet[Campagne]:
    """Every campaign, in its model's order (the choices of a new envelope)."""
    return cast("QuerySet[Campagne]", _modele_cible(Enveloppe, "campagne")._default_manager.all())


def dossier(*, actor: Acteur, pk: int) -> Dossier:
    """The dossier `pk` within the actor's scope (else 404), with its campaign and lead region."""
    dossiers = _modele_cible(LigneEnveloppe, "dossier")._default_manager.select_related("grappe__campagne",
                                                                                       "region_pilote")
    return cast("Dossier", get_in_scope(actor, dossiers, pk=pk))


def convention_et_versements(dossier: Dossier) -> tuple[Convention | None, list[Versement]]:
    """The dossier's convention (None before the decision) and its payment orders, in their model's order."""
    return Convention.objects.filter(dossier=dossier).first(), list(Versement.objects.filter(dossier=dossier))


def enveloppes_a_doter(*, actor: Acteur) -> QuerySet[Enveloppe]:
    """Every envelope, for the national administrator's dotation form."""
    require(actor, "enveloppes.doter")
    return Enveloppe.objects.select_related("campagne", "region")


def enveloppe_existe(*, campagne: Campagne, region: Any) -> bool:
    return Enveloppe.objects.filter(campagne=campagne, region=region).exists()


def lignes(enveloppe: Enveloppe) -> QuerySet[LigneEnveloppe]:
    """An envelope's ledger, latest first: dotations, commitments, releases."""
    return (LigneEnveloppe.objects.filter(enveloppe=enveloppe).select_related("dossier", "acteur")
            .order_by("-cree_le", "-id"))
