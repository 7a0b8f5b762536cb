"""Envelope pages: the envelopes in scope with their state (one query), each envelope's ledger, and the
national administrator's forms to create an envelope and add a dotation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from esms.comptes.permissions import decide, has_perm, require
from esms.financement import selectors, services
from esms.financement.erreurs import LiberationRefusee
from esms.financement.forms import CreationEnveloppeForm, DotationForm, LiberationForm
from esms.financement.models import LigneEnveloppe


def _page(request: HttpRequest, *, creation_form=None, dotation_form=None, refus=None) -> HttpResponse:
    campagne = request.GET.get("campagne", "")
    enveloppes = list(selectors.enveloppes_avec_etat(actor=request.user, campagne_code=campagne or None))
    peut_doter = has_perm(request.user, "enveloppes.doter")
    contexte = {
        "title": "Enveloppes", "enveloppes": enveloppes, "campagne": campagne,
        "campagnes": selectors.campagnes(), "peut_doter": peut_doter, "refus": refus,
        "totaux": {cle: sum(getattr(e, cle) for e in enveloppes) for cle in ("dotation", "disponible")},
    }
    contexte["totaux"]["engage"] = contexte["totaux"]["dotation"] - contexte["totaux"]["disponible"]
    if peut_doter:
        contexte["creation_form"] = creation_form or CreationEnveloppeForm()
        contexte["dotation_form"] = dotation_form or DotationForm(
            enveloppes=selectors.enveloppes_a_doter(actor=request.user))
    return render(request, "financement/enveloppes.html", contexte)


@login_required
@require_GET
def enveloppes(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_GET
def enveloppe(request: HttpRequest, pk: int) -> HttpResponse:
    """One envelope in scope (404 otherwise) and its ledger: dotations, commitments, releases."""
    env = selectors.enveloppes_avec_etat(actor=request.user).filter(pk=pk).first()
    if env is None:
        raise Http404("Aucune enveloppe correspondante dans votre périmètre.")
    lignes = selectors.lignes(env)
    page = Paginator(lignes, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    liberables: dict[int, int] = {}
    if has_perm(request.user, "enveloppes.liberer"):
        dossiers = {ligne.dossier for ligne in page if ligne.type == LigneEnveloppe.Type.ENGAGEMENT and ligne.dossier}
        liberables = {d.pk: montant for d in dossiers
                      if decide(request.user, "enveloppes.liberer", d) and (montant := services.a_liberer(d)) > 0}
    rangees = [(ligne, liberables.get(ligne.dossier_id) if ligne.type == LigneEnveloppe.Type.ENGAGEMENT
               and ligne.dossier_id is not None else None) for ligne in page]
    return render(request, "financement/enveloppe.html", {
        "title": str(env), "enveloppe": env, "engage": env.engage, "page_obj": page, "lignes": rangees,
        "liberables": liberables, "liberation_form": LiberationForm(),
    })


@login_required
@require_POST
def liberer(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead region's agent (or the national administrator) releases what a dossier still holds."""
    require(request.user, "enveloppes.liberer")
    dossier = selectors.dossier(actor=request.user, pk=pk)
    enveloppe = selectors.enveloppe_du_dossier(dossier)
    retour = redirect("financement:enveloppe", enveloppe.pk) if enveloppe else redirect("financement:enveloppes")
    form = LiberationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Libération refusée : le motif est obligatoire (250 caractères au plus).")
        return retour
    confirme = (request.POST.get("montant_confirme") or "").strip()
    if not confirme.isdigit():
        # The release is only made once the agent confirmed the very amount shown (never a stale or missing one).
        messages.error(request, f"Libération refusée : confirmez le montant à libérer du dossier {dossier} "
                                "depuis la page de l'enveloppe.")
        return retour
    try:
        ligne = services.liberer(actor=request.user, dossier=dossier, motif=form.cleaned_data["motif"],
                                 montant_attendu=int(confirme))
    except (LiberationRefusee, PermissionDenied) as exc:
        messages.error(request, f"Libération refusée : {exc}")
        return retour
    messages.success(request, f"{ligne.montant:,} € rendus à « {ligne.enveloppe} » (dossier {dossier}).".replace(",", "\u202f"))
    return retour


@login_required
@require_POST
def creer(request: HttpRequest) -> HttpResponse:
    require(request.user, "enveloppes.doter")
    form = CreationEnveloppeForm(request.POST)
    if not form.is_valid():
        return _page(request, creation_form=form)
    donnees = form.cleaned_data
    existait = selectors.enveloppe_existe(campagne=donnees["campagne"], region=donnees["region"])
    try:
        env = services.creer_enveloppe(actor=request.user, campagne=donnees["campagne"], region=donnees["region"],
                                       libelle=donnees["libelle"].strip())
    except ValidationError as exc:
        return _page(request, creation_form=form, refus={"titre": "Création refusée", "raisons": exc.messages})
    if existait:
        messages.info(request, f"L'enveloppe « {env} » existait déjà : rien n'a été créé.")
    else:
        messages.success(request, f"Enveloppe « {env} » créée.")
    return redirect("financement:enveloppes")


@login_required
@require_POST
def doter(request: HttpRequest) -> HttpResponse:
    require(request.user, "enveloppes.doter")
    form = DotationForm(request.POST, enveloppes=selectors.enveloppes_a_doter(actor=request.user))
    if not form.is_valid():
        return _page(request, dotation_form=form)
    donnees = form.cleaned_data
    if request.POST.get("confirme") != "1":
        # First step: the amount, the envelope and its balance after the dotation, to confirm or correct.
        etat = selectors.etat(donnees["enveloppe"])
        return render(request, "financement/confirmer_dotation.html", {
            "title": "Confirmer la dotation", "form": form, "enveloppe": donnees["enveloppe"],
            "montant": donnees["montant"], "libelle": donnees["libelle"], "etat": etat,
            "dotation_apres": etat.dotation + donnees["montant"], "disponible_apres": etat.disponible + donnees["montant"],
        })
    try:
        services.doter(actor=request.user, enveloppe=donnees["enveloppe"], montant=donnees["montant"],
                       libelle=donnees["libelle"])
    except (ValueError, ValidationError) as exc:
        return _page(request, dotation_form=form, refus={"titre": "Dotation refusée", "raisons": [str(exc)]})
    messages.success(request, f"Dotation de {donnees['montant']:,} € ajoutée à « {donnees['enveloppe']} ».".replace(",", "\u202f"))
    return redirect("financement:enveloppes")
