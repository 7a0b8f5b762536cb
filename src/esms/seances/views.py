"""Pages of the séances de sélection: the list and creation form, the séance page (envelope, agenda, proposed
decisions and their impact), the closing confirmation and the procès-verbal (PDF, CSV, XLSX, ODS)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esms.candidatures import selectors as candidatures
from esms.comptes.permissions import decide, require
from esms.comptes.requetes import RequeteConnectee
from esms.exports import reponse_pdf, reponse_tableau
from esms.refus import REFUS, pour_page
from esms.seances import proces_verbal, selectors, services
from esms.seances.forms import InscriptionForm, PropositionForm, SeanceForm
from esms.seances.models import Seance


def _seance_form(request: RequeteConnectee, data=None) -> SeanceForm:
    region = request.user.region if getattr(request.user, "region_id", None) else None
    return SeanceForm(data, region_imposee=region)


@login_required
@require_http_methods(["GET", "POST"])
def liste(request: RequeteConnectee) -> HttpResponse:
    seances = selectors.seances(actor=request.user)
    form = _seance_form(request, request.POST if request.method == "POST" else None)
    refus = None
    if request.method == "POST":
        if form.is_valid():
            try:
                seance = services.creer(actor=request.user, **form.cleaned_data)
            except REFUS as exc:
                refus = pour_page(exc, "Séance non créée")
            else:
                messages.success(request, f"Séance « {seance} » créée : inscrivez les dossiers à son ordre du jour.")
                return redirect("seances:seance", seance.pk)
        else:
            refus = {"titre": "Séance non créée : saisie incomplète",
                     "raisons": [e for erreurs in form.errors.values() for e in erreurs]}
    return render(request, "seances/liste.html", {
        "title": "Séances de sélection", "seances": seances, "form": form, "refus": refus,
        "peut_preparer": decide(request.user, "seances.preparer")})


def _page(request: RequeteConnectee, seance: Seance, *, refus: dict | None = None,
          inscription: InscriptionForm | None = None, status: int = 200) -> HttpResponse:
    bilan = selectors.bilan(seance)
    peut_preparer = seance.ouverte and bool(decide(request.user, "seances.preparer", seance))
    a_inscrire = selectors.a_inscrire(actor=request.user, seance=seance) if peut_preparer else None
    lignes = [{"ligne": ligne, "form": PropositionForm(prefix=f"d{ligne.dossier.pk}", initial={
        "decision": ligne.decision.decision, "motif": ligne.decision.motif})} for ligne in bilan.lignes]
    return render(request, "seances/seance.html", {
        "title": f"Séance {seance}", "seance": seance, "bilan": bilan, "lignes": lignes, "refus": refus,
        "peut_preparer": peut_preparer,
        "peut_cloturer": seance.ouverte and bool(decide(request.user, "seances.cloturer", seance)),
        "inscription": inscription or (InscriptionForm(dossiers=a_inscrire) if a_inscrire is not None else None),
        "a_inscrire": a_inscrire,
    }, status=status)


def _retour(seance: Seance, ancre: str = "") -> HttpResponse:
    return redirect(reverse("seances:seance", args=[seance.pk]) + (f"#{ancre}" if ancre else ""))


@login_required
@require_GET
def seance(request: RequeteConnectee, pk: int) -> HttpResponse:
    return _page(request, selectors.seance(actor=request.user, pk=pk))


@login_required
@require_POST
def inscrire(request: RequeteConnectee, pk: int) -> HttpResponse:
    seance = selectors.seance(actor=request.user, pk=pk)
    require(request.user, "seances.preparer", seance)
    form = InscriptionForm(request.POST, dossiers=selectors.a_inscrire(actor=request.user, seance=seance))
    if not form.is_valid():
        return _page(request, seance, inscription=form, status=400, refus={
            "titre": "Dossiers non inscrits", "raisons": [e for erreurs in form.errors.values() for e in erreurs]})
    try:
        inscrites = services.inscrire(actor=request.user, seance=seance, dossiers=list(form.cleaned_data["dossiers"]))
    except REFUS as exc:
        return _page(request, seance, inscription=form, refus=pour_page(exc, "Dossiers non inscrits"))
    messages.success(request, f"{len(inscrites)} dossier{'s' if len(inscrites) > 1 else ''} inscrit"
                              f"{'s' if len(inscrites) > 1 else ''} à l'ordre du jour.")
    return _retour(seance, "ordre-du-jour")


def _dossier_a_l_ordre_du_jour(request: RequeteConnectee, seance: Seance, dossier_pk: int):
    ligne = seance.decisions.filter(dossier_id=dossier_pk).select_related("dossier").first()
    if ligne is None:
        raise Http404("Ce dossier n'est pas à l'ordre du jour de cette séance.")
    return candidatures.dossier(actor=request.user, pk=ligne.dossier_id)


@login_required
@require_POST
def proposer(request: RequeteConnectee, pk: int, dossier_pk: int) -> HttpResponse:
    seance = selectors.seance(actor=request.user, pk=pk)
    dossier = _dossier_a_l_ordre_du_jour(request, seance, dossier_pk)
    form = PropositionForm(request.POST, prefix=f"d{dossier.pk}")
    form.is_valid()
    try:
        services.proposer(actor=request.user, seance=seance, dossier=dossier,
                          decision=form.cleaned_data.get("decision", ""), motif=form.cleaned_data.get("motif", ""))
    except REFUS as exc:
        return _page(request, seance, refus=pour_page(exc, f"Décision non enregistrée pour le dossier {dossier}"))
    messages.success(request, f"Dossier {dossier} : décision proposée enregistrée.")
    return _retour(seance, f"dossier-{dossier.pk}")


@login_required
@require_POST
def retirer(request: RequeteConnectee, pk: int, dossier_pk: int) -> HttpResponse:
    seance = selectors.seance(actor=request.user, pk=pk)
    dossier = _dossier_a_l_ordre_du_jour(request, seance, dossier_pk)
    try:
        services.retirer(actor=request.user, seance=seance, dossier=dossier)
    except REFUS as exc:
        return _page(request, seance, refus=pour_page(exc, f"Dossier {dossier} non retiré"))
    messages.success(request, f"Dossier {dossier} retiré de l'ordre du jour.")
    return _retour(seance, "ordre-du-jour")


@login_required
@require_http_methods(["GET", "POST"])
def cloturer(request: RequeteConnectee, pk: int) -> HttpResponse:
    """GET: what closing will do (amount engaged, count per decision, envelope after); POST: do it."""
    seance = selectors.seance(actor=request.user, pk=pk)
    require(request.user, "seances.cloturer", seance)
    if request.method == "POST":
        try:
            bilan = services.cloturer(actor=request.user, seance=seance)
        except REFUS as exc:
            return _page(request, seance, refus=pour_page(exc, "Séance non clôturée"))
        messages.success(request, f"Séance clôturée : {bilan.compte('retenir')} retenu(s) pour "
                                  f"{services.euros(bilan.total)}, {bilan.compte('refuser')} refusé(s), "
                                  f"{bilan.compte('ajourner')} ajourné(s).")
        return _retour(seance)
    if not seance.ouverte:
        return _retour(seance)
    return render(request, "seances/confirmation.html", {
        "title": "Confirmer la clôture de la séance", "seance": seance, "bilan": selectors.bilan(seance)})


@login_required
@require_GET
def proces_verbal_pdf(request: RequeteConnectee, pk: int) -> HttpResponse:
    seance = selectors.seance(actor=request.user, pk=pk)
    try:
        contenu = proces_verbal.pdf(actor=request.user, seance=seance)
    except REFUS as exc:
        return _page(request, seance, refus=pour_page(exc, "Procès-verbal indisponible"))
    return reponse_pdf(contenu, nom=f"proces-verbal-seance-{seance.pk}")


@login_required
@require_GET
def proces_verbal_export(request: RequeteConnectee, pk: int, format: str) -> HttpResponse:
    seance = selectors.seance(actor=request.user, pk=pk)
    try:
        lignes = list(proces_verbal.lignes(actor=request.user, seance=seance))
    except REFUS as exc:
        return _page(request, seance, refus=pour_page(exc, "Procès-verbal indisponible"))
    return reponse_tableau(nom=f"proces-verbal-seance-{seance.pk}", entetes=proces_verbal.ENTETES, lignes=lignes,
                           format=format, titre="Procès-verbal")
