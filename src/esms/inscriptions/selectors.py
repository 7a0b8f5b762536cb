"""Reads of the account administration: the accounts and claims an administrator sees, one claim, its
supporting document. Scoped by `comptes.permissions` (national: all; ARS agent: its region)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from esms.comptes.models import Rattachement, User
from esms.comptes.permissions import Acteur, filter_scope, get_in_scope, require
from esms.referentiel.models import Region


def comptes_visibles(actor: Acteur, q: str = "") -> QuerySet[User]:
    """Accounts a national administrator (all) or an ARS agent (those of its region: `comptes_de_region`)
    administers."""
    require(actor, "comptes.administrer")
    comptes = filter_scope(actor, User.objects.select_related("region").order_by("username"))
    if q:
        comptes = comptes.filter(Q(username__icontains=q) | Q(email__icontains=q) | Q(last_name__icontains=q))
    return comptes


def rattachements_visibles(actor: Acteur, statut: str = "") -> QuerySet[Rattachement]:
    require(actor, "comptes.administrer")
    qs = filter_scope(actor, Rattachement.objects.select_related("demandeur", "organisme", "region"))
    return qs.filter(statut=statut) if statut else qs


def justificatif(actor: Acteur, pk: int) -> Rattachement:
    """The claim whose supporting document `actor` may read: its own, or one of its region for an agent."""
    require(actor, "comptes.justificatif")
    demande = get_in_scope(actor, Rattachement.objects.all(), pk=pk)
    require(actor, "comptes.justificatif", demande)
    return demande


def compte(actor: Acteur, pk: int) -> User:
    """One account the actor administers (404 otherwise)."""
    return get_object_or_404(comptes_visibles(actor), pk=pk)


def rattachement(actor: Acteur, pk: int) -> Rattachement:
    """One claim the actor administers (404 outside its scope)."""
    require(actor, "comptes.administrer")
    return get_in_scope(actor, Rattachement.objects.select_related("demandeur", "organisme", "region"), pk=pk)


def regions() -> QuerySet[Region]:
    """The regions an ARS agent's account may be attached to, by name."""
    return Region.objects.order_by("nom")
