"""Register pages: the list (search, filters, import for national administrators), one solution with its
history and edit form, vendor account links; the htmx solution picker used by the grappe form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms.comptes.permissions import has_perm, require
from esms.referencement import selectors, services
from esms.referencement.erreurs import ImportRefuse
from esms.referencement.forms import SECTEURS_CHOIX, CompteForm, FichierForm, SolutionForm
from esms.referencement.import_page import importer_depuis_la_page
from esms.referencement.models import Solution
from esms.referencement.tableur import GENRE
from esms.rules.referencement import libelle_secteur
from esms.televersements import genre_televersement


def _refus(titre: str, exc: ImportRefuse) -> dict:
    return {"titre": titre, "raisons": exc.messages}


def _page_registre(request: HttpRequest, *, form=None, refus=None, status: int = 200) -> HttpResponse:
    require(request.user, "referencement.consulter")
    filtres = {cle: request.GET.get(cle, "") for cle in ("q", "vague", "secteur", "statut")}
    page = Paginator(selectors.solutions(**filtres), 50).get_page(request.GET.get("page"))
    peut_gerer = has_perm(request.user, "referencement.gerer")
    return render(request, "referencement/registre.html", {
        "title": "Solutions référencées Ségur", "page_obj": page, "filtres": filtres,
        "secteurs": SECTEURS_CHOIX, "statuts": Solution.Statut.choices,
        "form": (form or FichierForm()) if peut_gerer else None, "refus": refus,
    }, status=status)


@login_required
def registre(request: HttpRequest) -> HttpResponse:
    return _page_registre(request)


@login_required
@require_POST
@genre_televersement(GENRE)
def importer(request: HttpRequest) -> HttpResponse:
    require(request.user, "referencement.gerer")
    return importer_depuis_la_page(
        request, page=_page_registre, retour="referencement:registre",
        importer=lambda fichier: services.importer_registre(actor=request.user, fichier=fichier, nom=fichier.name),
        succes=lambda bilan: f"Registre importé : {bilan.crees} solution(s) créée(s), {bilan.modifies} "
                             f"modifiée(s), {bilan.inchanges} inchangée(s).")


def _page_solution(request: HttpRequest, solution: Solution, *, form=None, compte_form=None, refus=None,
                   status: int = 200) -> HttpResponse:
    peut_gerer = has_perm(request.user, "referencement.gerer")
    if peut_gerer and form is None:
        form = SolutionForm(initial={
            "vague": solution.vague, "secteurs": solution.secteurs, "date_referencement": solution.date_referencement,
            "statut": solution.statut, "date_retrait": solution.date_retrait})
    return render(request, "referencement/solution.html", {
        "title": str(solution), "solution": solution,
        "secteurs": [libelle_secteur(s) for s in solution.secteurs],
        "historique": solution.historique.select_related("auteur"),
        "comptes": solution.editeur.comptes.order_by("username") if peut_gerer else None,
        "form": form if peut_gerer else None,
        "compte_form": (compte_form or CompteForm()) if peut_gerer else None, "refus": refus,
    }, status=status)


@login_required
def solution(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "referencement.consulter")
    return _page_solution(request, selectors.solution(pk))


@login_required
@require_POST
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "referencement.gerer")
    objet = selectors.solution(pk)
    form = SolutionForm(request.POST)
    if not form.is_valid():
        return _page_solution(request, objet, form=form, status=400)
    try:
        services.modifier_solution(actor=request.user, solution=objet, **form.cleaned_data)
    except ImportRefuse as exc:
        return _page_solution(request, objet, form=form, refus=_refus("Modification refusée", exc), status=400)
    messages.success(request, "Solution modifiée : une nouvelle version figure dans son historique.")
    return redirect("referencement:solution", pk=pk)


@login_required
@require_POST
def lier_compte(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "referencement.gerer")
    objet = selectors.solution(pk)
    form = CompteForm(request.POST)
    if not form.is_valid():
        return _page_solution(request, objet, compte_form=form, status=400)
    try:
        services.lier_compte(actor=request.user, editeur=objet.editeur, compte=form.cleaned_data["compte"])
    except ImportRefuse as exc:
        return _page_solution(request, objet, compte_form=form, refus=_refus("Liaison refusée", exc), status=400)
    messages.success(request, f"Le compte « {form.cleaned_data['compte']} » agit pour {objet.editeur.nom}.")
    return redirect("referencement:solution", pk=pk)


@login_required
def choisir(request: HttpRequest) -> HttpResponse:
    """htmx fragment: register entries matching `q`, as radio choices for the grappe form."""
    require(request.user, "referencement.consulter")
    q = request.GET.get("q", "")
    resultats = selectors.solutions(q=q)[:20] if len(q.strip()) >= 2 else []
    return render(request, "referencement/_choix.html", {"resultats": resultats, "q": q,
                                                          "choisie": request.GET.get("solution", "")})
