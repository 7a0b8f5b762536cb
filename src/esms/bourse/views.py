"""Bourse pages: the market of a region (needs, open grappes, map), declaring a need, opening a grappe,
computing proposals (ARS, national) and answering them. Thin: services and selectors do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from esms.bourse import selectors, services
from esms.bourse.forms import BesoinForm, OuvertureForm, SuggestionForm
from esms.bourse.models import Proposition
from esms.comptes.permissions import has_perm, require
from esms.pilotage.carte import carte
from esms.pilotage.selectors import geographie
from esms.referentiel.selectors import regions
from esms.refus import REFUS
from esms.refus import pour_page as refus


def _contexte(request: HttpRequest, **extra) -> dict:
    campagne = request.GET.get("campagne") or request.POST.get("campagne_marche") or "2025"
    region = request.GET.get("region") or getattr(request.user, "region_id", None) or ""
    besoins = selectors.besoins_ouverts(campagne=campagne, region=region or None)
    offres = selectors.ouvertures(campagne=campagne, region=region or None)
    comptes = selectors.par_departement(besoins, offres)
    valeurs: dict[str, float | None] = {dep: float(c["besoins"] + c["offres"]) for dep, c in comptes.items()}
    svg = carte(identifiant="carte-bourse", titre="Besoins et grappes ouvertes par département",
                description="Nombre de besoins déclarés et de grappes ouvertes, par département.",
                niveau="departement", valeurs=valeurs, geographie=geographie(), perimetre=region or None, unite="",
                format_valeur=lambda v: "aucun" if v is None else f"{int(v)} besoin(s) ou grappe(s)")
    brouillons = selectors.brouillons_ouvrables(request.user)
    return {
        "title": "Bourse aux grappes", "campagne": campagne, "region": region,
        "regions": regions(), "besoins": besoins, "offres": offres, "carte": svg,
        "comptes": sorted(comptes.items()), "propositions": selectors.propositions_pour(request.user),
        "peut_declarer": has_perm(request.user, "bourse.declarer"),
        "peut_ouvrir": has_perm(request.user, "bourse.ouvrir"), "brouillons": brouillons,
        "peut_proposer": has_perm(request.user, "bourse.proposer"),
        "besoin_form": BesoinForm(initial={"campagne": campagne}), "ouverture_form": OuvertureForm(),
        "projets": selectors.projets_pour(request.user), "mes_besoins": selectors.besoins_de(request.user),
        "suggestion_form": SuggestionForm(besoins=besoins, offres=offres) if has_perm(request.user, "bourse.proposer")
        else None, **extra,
    }


@login_required
@require_GET
def marche(request: HttpRequest) -> HttpResponse:
    require(request.user, "bourse.consulter")
    return render(request, "bourse/marche.html", _contexte(request))


@login_required
@require_POST
def declarer(request: HttpRequest) -> HttpResponse:
    require(request.user, "bourse.declarer")
    form = BesoinForm(request.POST)
    if form.is_valid():
        try:
            services.declarer_besoin(actor=request.user, **form.cleaned_data)
        except REFUS as exc:
            return render(request, "bourse/marche.html",
                          _contexte(request, besoin_form=form, refus=refus(exc, "Déclaration refusée")), status=409)
        messages.success(request, "Besoin déclaré : il apparaît dans la bourse de votre région.")
        return redirect("bourse:marche")
    return render(request, "bourse/marche.html", _contexte(request, besoin_form=form), status=400)


@login_required
@require_POST
def ouvrir(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "bourse.ouvrir")
    dossier = selectors.dossier(request.user, pk)
    form = OuvertureForm(request.POST)
    if form.is_valid():
        try:
            services.ouvrir_grappe(actor=request.user, dossier=dossier, **form.cleaned_data)
        except REFUS as exc:
            return render(request, "bourse/marche.html",
                          _contexte(request, ouverture_form=form, refus=refus(exc, "Ouverture refusée")), status=409)
        messages.success(request, f"La grappe « {dossier.grappe.nom} » est ouverte aux nouveaux membres.")
        return redirect("bourse:marche")
    return render(request, "bourse/marche.html", _contexte(request, ouverture_form=form), status=400)


@login_required
@require_POST
def calculer(request: HttpRequest) -> HttpResponse:
    require(request.user, "bourse.proposer")
    campagne = request.POST.get("campagne", "2025")
    region = request.POST.get("region") or None
    try:
        creees = services.calculer_propositions(actor=request.user, campagne=campagne, region=region)
    except REFUS as exc:
        return render(request, "bourse/marche.html", _contexte(request, refus=refus(exc, "Calcul refusé")), status=409)
    messages.success(request, f"{len(creees)} proposition(s) envoyée(s) aux établissements et aux porteurs.")
    return redirect(f"/bourse/?campagne={campagne}&region={region or ''}")


@login_required
@require_POST
def repondre(request: HttpRequest, pk: int) -> HttpResponse:
    proposition = selectors.proposition(request.user, pk)
    accepter = request.POST.get("reponse") == "accepter"
    try:
        proposition = services.repondre(actor=request.user, proposition=proposition, accepter=accepter)
    except REFUS as exc:
        return render(request, "bourse/marche.html", _contexte(request, refus=refus(exc, "Réponse refusée")), status=409)
    if proposition.statut == Proposition.Statut.ACCEPTEE:
        messages.success(request, "Les deux parties ont accepté : l'établissement rejoint la grappe.")
    else:
        messages.success(request, "Réponse enregistrée.")
    return redirect("bourse:marche")


def _refus_page(request: HttpRequest, exc: Exception, titre: str) -> HttpResponse:
    return render(request, "bourse/marche.html", _contexte(request, refus=refus(exc, titre)), status=409)


@login_required
@require_POST
def retirer_besoin(request: HttpRequest, pk: int) -> HttpResponse:
    besoin = selectors.besoin(request.user, pk)
    try:
        services.retirer_besoin(actor=request.user, besoin=besoin)
    except REFUS as exc:
        return _refus_page(request, exc, "Retrait refusé")
    messages.success(request, f"Le besoin de {besoin.etablissement.raison_sociale} est retiré de la bourse.")
    return redirect("bourse:marche")


def _entier(valeur: str | None) -> int:
    try:
        return int(valeur or "")
    except ValueError:
        return 0


@login_required
@require_POST
def suggerer(request: HttpRequest) -> HttpResponse:
    require(request.user, "bourse.proposer")
    besoin = selectors.besoin(request.user, _entier(request.POST.get("besoin")))
    ouverture = selectors.ouverture(_entier(request.POST.get("ouverture")))
    try:
        services.suggerer(actor=request.user, besoin=besoin, ouverture=ouverture)
    except REFUS as exc:
        return _refus_page(request, exc, "Suggestion refusée")
    messages.success(request, "Proposition envoyée à l'établissement et au porteur de la grappe.")
    return redirect("bourse:marche")


@login_required
@require_POST
def repondre_projet(request: HttpRequest, pk: int) -> HttpResponse:
    projet = selectors.projet(request.user, pk)
    accepter = request.POST.get("reponse") == "accepter"
    try:
        projet = services.repondre_projet(actor=request.user, projet=projet, accepter=accepter)
    except REFUS as exc:
        return _refus_page(request, exc, "Réponse refusée")
    if projet.dossier_id is not None:
        messages.success(request, "Grappe en préparation créée avec les établissements du projet ; ceux d'autres "
                                  "organismes la rejoindront après leur accord.")
        return redirect("candidatures:edition", projet.dossier_id)
    messages.success(request, "Projet refusé : les établissements restent dans la bourse.")
    return redirect("bourse:marche")
