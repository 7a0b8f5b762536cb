"""Consent pages: the proposals waiting for an organisme's or an establishment manager's answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from esms.candidatures import adhesions, selectors
from esms.candidatures.models import Membre
from esms.comptes.permissions import require
from esms.refus import REFUS
from esms.refus import pour_page as refus


@login_required
@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    require(request.user, "candidatures.consentir")
    membres = adhesions.en_attente_pour(request.user)
    return render(request, "candidatures/adhesions.html", {"membres": membres, "title": "Adhésions à des grappes"})


def _membre(request: HttpRequest, pk: int) -> Membre:
    return selectors.membre(pk)


@login_required
@require_POST
def accepter(request: HttpRequest, pk: int) -> HttpResponse:
    membre = _membre(request, pk)
    try:
        adhesions.accepter(actor=request.user, membre=membre)
    except REFUS as exc:
        return render(request, "candidatures/adhesions.html",
                      {"membres": adhesions.en_attente_pour(request.user), "refus": refus(exc, "Accord refusé")},
                      status=409)
    messages.success(request, f"{membre.etablissement.raison_sociale} rejoint la grappe « {membre.grappe.nom} ».")
    return redirect("candidatures:adhesions")


@login_required
@require_POST
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    membre = _membre(request, pk)
    try:
        adhesions.retirer(actor=request.user, membre=membre, commentaire=request.POST.get("commentaire", "")[:1000])
    except REFUS as exc:
        return render(request, "candidatures/adhesions.html",
                      {"membres": adhesions.en_attente_pour(request.user), "refus": refus(exc, "Retrait refusé")},
                      status=409)
    messages.success(request, f"{membre.etablissement.raison_sociale} ne fait plus partie de la grappe « {membre.grappe.nom} ».")
    return redirect("candidatures:adhesions")
