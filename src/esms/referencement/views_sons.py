"""SONS orders pages: the orders in the user's scope (a vendor: its own solutions' deployments), and the
file import for national administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from esms.comptes.permissions import est_editeur, has_perm, require
from esms.referencement import selectors, services
from esms.referencement.forms import FichierForm
from esms.referencement.import_page import importer_depuis_la_page
from esms.referencement.models import CommandeSons
from esms.referencement.tableur import GENRE
from esms.televersements import genre_televersement


def _page(request: HttpRequest, *, form=None, refus=None, status: int = 200) -> HttpResponse:
    require(request.user, "sons.consulter")
    filtres = {cle: request.GET.get(cle, "") for cle in ("statut", "vague")}
    commandes = selectors.commandes_visibles(request.user)
    resume = dict(commandes.values_list("statut").order_by().annotate(n=Count("pk")))
    if filtres["statut"]:
        commandes = commandes.filter(statut=filtres["statut"])
    if filtres["vague"] in ("1", "2"):
        commandes = commandes.filter(vague=int(filtres["vague"]))
    return render(request, "referencement/commandes.html", {
        "title": "Commandes SONS", "page_obj": Paginator(commandes, 50).get_page(request.GET.get("page")),
        "filtres": filtres, "statuts": CommandeSons.Statut.choices, "refus": refus,
        "resume": [(libelle, resume.get(code, 0)) for code, libelle in CommandeSons.Statut.choices],
        "editeur": est_editeur(request.user),
        "form": (form or FichierForm()) if has_perm(request.user, "sons.importer") else None,
    }, status=status)


@login_required
def commandes(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
@genre_televersement(GENRE)
def importer(request: HttpRequest) -> HttpResponse:
    require(request.user, "sons.importer")
    return importer_depuis_la_page(
        request, page=_page, retour="referencement:commandes",
        importer=lambda fichier: services.importer_commandes(actor=request.user, fichier=fichier, nom=fichier.name),
        succes=lambda bilan: f"Commandes SONS importées : {bilan.crees} créée(s), {bilan.modifies} modifiée(s), "
                             f"{bilan.inchanges} inchangée(s).")
