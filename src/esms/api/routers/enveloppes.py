"""Envelope routes: the envelopes of the caller's scope (national administrators: all; ARS agents: their
region's) with their balances."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router

from esms.api.auth import BearerJeton
from esms.api.erreurs import REPONSES_ERREUR
from esms.api.pagination import Pagination, paginer
from esms.api.portees import ENVELOPPES_LIRE
from esms.api.schemas.enveloppes import Enveloppe, FiltresEnveloppes, PageEnveloppes
from esms.financement import selectors

router = Router(tags=["Enveloppes"], auth=BearerJeton(ENVELOPPES_LIRE))
PORTEE = f"\n\nPortée requise : `{ENVELOPPES_LIRE}`."


@router.get("", response={200: PageEnveloppes, **REPONSES_ERREUR}, summary="Lister les enveloppes",
            description="Enveloppes du périmètre de l'appelant avec leur dotation, l'engagé et le disponible "
                        "(sommes du grand livre)." + PORTEE)
def lister(request: HttpRequest, filtres: Query[FiltresEnveloppes], pagination: Query[Pagination]):
    return paginer(selectors.enveloppes_avec_etat(actor=request.user, campagne_code=filtres.campagne or None),
                   pagination)


@router.get("/{enveloppe_id}", response={200: Enveloppe, **REPONSES_ERREUR}, summary="Une enveloppe",
            description="Une enveloppe du périmètre de l'appelant (404 sinon) et ses soldes." + PORTEE)
def detail(request: HttpRequest, enveloppe_id: int = Path(..., ge=1, le=2**62)):
    enveloppe = selectors.enveloppes_avec_etat(actor=request.user).filter(pk=enveloppe_id).first()
    if enveloppe is None:
        raise Http404("Aucune enveloppe correspondante dans votre périmètre.")
    return enveloppe
