"""A dossier's assignment and followers: the « Instruction » box of the dossier page (take, assign, reassign,
unassign, follow, unfollow), the queue's batch « Attribuer à… », and the page of the dossiers one follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from esms.candidatures import affectation, selectors
from esms.candidatures.forms_affectation import AttributionForm, AttributionLotForm
from esms.candidatures.models import Dossier
from esms.comptes import selectors as comptes
from esms.comptes.models import User
from esms.comptes.permissions import decide, require
from esms.comptes.requetes import RequeteConnectee
from esms.refus import REFUS, pour_page

ANCRE = "affectation"


def contexte(user: User, dossier: Dossier, *, form: AttributionForm | None = None) -> dict:
    """What the dossier page's « Instruction » box shows to an instructor."""
    peut_attribuer = affectation.peut_attribuer(user, dossier)
    agents = comptes.instructeurs_possibles(dossier=dossier)
    suiveurs = affectation.suiveurs(dossier)
    return {
        "peut_attribuer": peut_attribuer,
        "peut_prendre": peut_attribuer and dossier.instructeur_id != user.pk
        and agents.filter(pk=user.pk).exists(),
        "form": form or (AttributionForm(agents=agents, initial={"instructeur": dossier.instructeur_id})
                         if peut_attribuer else None),
        "suiveurs": suiveurs, "je_suis": user in suiveurs, "peut_suivre": affectation.peut_suivre(user, dossier),
    }


def _page(request: RequeteConnectee, dossier: Dossier, *, refus: dict, form: AttributionForm | None = None):
    from esms.candidatures.views_dossier import _page_dossier

    return _page_dossier(request, dossier, refus=refus, formulaires={"attribution": form} if form else None)


def _retour(dossier: Dossier) -> HttpResponse:
    return redirect(reverse("candidatures:dossier", args=[dossier.pk]) + f"#{ANCRE}")


@login_required
@require_POST
def attribuer(request: RequeteConnectee, pk: int) -> HttpResponse:
    """« Me l'attribuer » (`moi`), or the agent chosen in the select (none: unassign)."""
    dossier = selectors.dossier(actor=request.user, pk=pk)
    form = AttributionForm(request.POST, agents=comptes.instructeurs_possibles(dossier=dossier))
    if request.POST.get("moi"):
        instructeur: User | None = request.user
    elif form.is_valid():
        instructeur = form.cleaned_data["instructeur"]
    else:
        raisons = [e for erreurs in form.errors.values() for e in erreurs]
        return _page(request, dossier, form=form, refus={"titre": "Attribution refusée", "raisons": raisons})
    try:
        affectation.attribuer(actor=request.user, dossier=dossier, instructeur=instructeur)
    except REFUS as exc:
        return _page(request, dossier, form=form, refus=pour_page(exc, "Attribution refusée"))
    if instructeur is None:
        messages.success(request, f"Le dossier {dossier} n'est plus attribué.")
    elif instructeur == request.user:
        messages.success(request, f"Le dossier {dossier} vous est attribué ; vous le suivez.")
    else:
        messages.success(request, f"Le dossier {dossier} est attribué à {instructeur}.")
    return _retour(dossier)


@login_required
@require_POST
def suivre(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    try:
        affectation.suivre(actor=request.user, dossier=dossier)
    except REFUS as exc:
        return _page(request, dossier, refus=pour_page(exc, "Suivi refusé"))
    messages.success(request, f"Vous suivez le dossier {dossier} : vous serez notifié de ses évènements.")
    return _retour(dossier)


@login_required
@require_POST
def ne_plus_suivre(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    try:
        affectation.ne_plus_suivre(actor=request.user, dossier=dossier)
    except REFUS as exc:
        return _page(request, dossier, refus=pour_page(exc, "Fin du suivi refusée"))
    messages.success(request, f"Vous ne suivez plus le dossier {dossier}.")
    return _retour(dossier)


@login_required
@require_POST
def attribution_lot(request: RequeteConnectee) -> HttpResponse:
    """Assign the checked dossiers of the queue to one agent; each succeeds or fails on its own."""
    from esms.candidatures.views_instruction import _url_file, parametres_filtres

    require(request.user, "candidatures.attribuer")
    retour = _url_file(parametres_filtres(QueryDict(request.POST.get("retour", ""))))
    form = AttributionLotForm(request.POST, dossiers=selectors.dossiers(actor=request.user),
                              agents=comptes.agents_attribuables(actor=request.user))
    if not form.is_valid():
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, f"Attribution non faite : {erreur}")
        return redirect(retour)
    instructeur = form.cleaned_data["instructeur"]
    resultats = affectation.attribuer_lot(actor=request.user, dossiers=form.cleaned_data["dossiers"],
                                          instructeur=instructeur)
    reussis = [str(d) for d, erreur in resultats if erreur is None]
    if reussis:
        pluriel = "s" if len(reussis) > 1 else ""
        messages.success(request, f"{len(reussis)} dossier{pluriel} attribué{pluriel} à {instructeur} : "
                                  f"{', '.join(reussis)}.")
    for dossier, erreur in resultats:
        if erreur is not None:
            messages.error(request, f"Dossier {dossier} : {erreur}")
    return redirect(retour)


@login_required
@require_GET
def suivis(request: RequeteConnectee) -> HttpResponse:
    """The dossiers I follow, with what is new on each since I last opened it."""
    require(request.user, "candidatures.suivre")
    return render(request, "candidatures/suivis.html", {
        "title": "Dossiers suivis", "suivis": affectation.mes_suivis(actor=request.user)})


def historique(dossier: Dossier) -> list[dict]:
    """The dossier's assignment changes as rows of its history (shown to instructors only)."""
    lignes = []
    for a in affectation.attributions(dossier):
        if a.instructeur is None:
            texte = f"Attribution retirée (instruit par {a.precedent or '—'})"
        elif a.precedent is None:
            texte = f"Attribué à {a.instructeur}"
        else:
            texte = f"Réattribué à {a.instructeur} (instruit par {a.precedent})"
        lignes.append({"date": a.cree_le, "libelle": "Attribution", "etat": "", "acteur": a.acteur,
                       "commentaire": texte})
    return lignes


ATTRIBUTIONS = (("moi", "Mes dossiers"), ("aucun", "Non attribués"), ("suivis", "Suivis"))


def contexte_file(request: RequeteConnectee) -> dict:
    """The queue's shortcuts « Mes dossiers », « Non attribués », « Suivis » (with their counts in the filtered
    queue) and its batch « Attribuer à… » form."""
    from esms.candidatures.views_instruction import CLES_FILTRES, parametres_filtres

    autres = {cle: request.GET.get(cle, "") for cle in CLES_FILTRES if cle not in ("attribution", "mes_dossiers")}
    base = QueryDict(parametres_filtres(request.GET), mutable=True)
    base.pop("mes_dossiers", None)
    actif = request.GET.get("attribution") or ("moi" if request.GET.get("mes_dossiers") else "")
    raccourcis = []
    for code, libelle in ATTRIBUTIONS:
        base["attribution"] = code
        n = selectors.file_instruction(actor=request.user, filtres={**autres, "attribution": code}).count()
        raccourcis.append({"libelle": libelle, "n": n, "lien": base.urlencode(), "actif": actif == code})
    peut_attribuer = bool(decide(request.user, "candidatures.attribuer"))
    return {
        "raccourcis_attribution": raccourcis,
        "attribution_lot_form": AttributionLotForm(dossiers=selectors.aucun_dossier(),
                                                   agents=comptes.agents_attribuables(actor=request.user))
        if peut_attribuer else None,
    }
