"""The instruction queue of ARS agents and national administrators: filters, sort, counts per state,
pagination, saved searches, exports (CSV, XLSX, ODS) of the filtered list, and batch decisions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from esms.candidatures import recherches_sauvegardees, selectors, services, views_affectation
from esms.candidatures.etats import Etat
from esms.candidatures.forms import DecisionLotForm, FiltresForm, RechercheSauvegardeeForm
from esms.comptes.permissions import require
from esms.comptes.requetes import RequeteConnectee
from esms.exports import reponse_tableau
from esms.financement import selectors as enveloppes_selectors

PAR_PAGE = 50
CLES_FILTRES = ("q", "etat", "appel", "campagne", "region", "etiquette", "attribution", "mes_dossiers", "tri")


def parametres_filtres(donnees: QueryDict) -> str:
    """The query string of the queue's filters only (no page, no token), as saved and as exported."""
    propre = QueryDict(mutable=True)
    for cle in CLES_FILTRES:
        valeur = (donnees.get(cle) or "").strip()
        if valeur:
            propre[cle] = valeur
    return propre.urlencode()


def _url_file(parametres: str = "") -> str:
    url = reverse("candidatures:instruction")
    return f"{url}?{parametres}" if parametres else url


def _comptes_par_etat(request: HttpRequest) -> list[dict]:
    """How many dossiers of the filtered queue (état filter aside) are in each state."""
    sans_etat = {cle: request.GET.get(cle, "") for cle in CLES_FILTRES if cle != "etat"}
    file = selectors.file_instruction(actor=request.user, filtres=sans_etat)
    comptes = selectors.comptes_par_etat(file)
    base = QueryDict(parametres_filtres(request.GET), mutable=True)
    resultat = []
    for etat in Etat:
        if etat == Etat.BROUILLON or not comptes.get(etat.value):
            continue
        base["etat"] = etat.value
        resultat.append({"etat": etat.value, "libelle": etat.label, "n": comptes[etat.value],
                         "lien": base.urlencode(), "actif": request.GET.get("etat") == etat.value})
    return resultat


@login_required
@require_GET
def instruction(request: RequeteConnectee) -> HttpResponse:
    require(request.user, "candidatures.instruire")
    qs = selectors.file_instruction(actor=request.user, filtres=request.GET)
    qs = qs.prefetch_related("decisions_seance__seance")  # the open séance of each row (templates/_seance.html)
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    parametres = parametres_filtres(request.GET)
    return render(request, "candidatures/instruction.html", {
        "title": "Instruction des dossiers", "page_obj": page, "filtres": FiltresForm(request.GET or None),
        "parametres": parametres, "comptes": _comptes_par_etat(request),
        "recherches": recherches_sauvegardees.de(request.user),
        "recherche_form": RechercheSauvegardeeForm(initial={"parametres": parametres}),
        "decision_form": DecisionLotForm(dossiers=selectors.aucun_dossier()),
        **views_affectation.contexte_file(request),
        "avis_a_rendre": selectors.avis_a_rendre(actor=request.user),
    })


@login_required
@require_GET
def export(request: HttpRequest, format: str) -> HttpResponse:
    require(request.user, "candidatures.instruire")
    qs = selectors.file_instruction(actor=request.user, filtres=request.GET)
    return reponse_tableau(nom=f"dossiers-{timezone.localdate():%Y-%m-%d}", entetes=selectors.ENTETES_EXPORT,
                           lignes=selectors.lignes_export(qs), format=format, titre="Dossiers")


@login_required
@require_POST
def decision_lot(request: HttpRequest) -> HttpResponse:
    """One decision on the checked dossiers; each succeeds or fails on its own, and the page says which."""
    require(request.user, "candidatures.instruire")
    retour = _url_file(parametres_filtres(QueryDict(request.POST.get("retour", ""))))
    form = DecisionLotForm(request.POST, dossiers=selectors.dossiers(actor=request.user))
    if not form.is_valid():
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, f"Décision non appliquée : {erreur}")
        return redirect(retour)
    if form.cleaned_data["decision"] == "retenir" and request.POST.get("confirme") != "1":
        return _confirmer_retenue(request, form, retour)
    resultats = services.decider_lot(actor=request.user, dossiers=form.cleaned_data["dossiers"],
                                     decision=form.cleaned_data["decision"], commentaire=form.cleaned_data["commentaire"])
    reussis = [str(d) for d, erreur in resultats if erreur is None]
    libelle = dict(form.fields["decision"].choices)[form.cleaned_data["decision"]]
    if reussis:
        messages.success(request, f"« {libelle} » appliqué à {len(reussis)} dossier{'s' if len(reussis) > 1 else ''} : "
                                  f"{', '.join(reussis)}.")
    for dossier, erreur in resultats:
        if erreur is not None:
            messages.error(request, f"Dossier {dossier} : {erreur}")
    return redirect(retour)


def _confirmer_retenue(request: HttpRequest, form: DecisionLotForm, retour: str) -> HttpResponse:
    """Retaining commits money: before anything is written, the page lists each dossier with the amount it would
    commit, the total, and each envelope's available amount before and after."""
    dossiers = list(form.cleaned_data["dossiers"].select_related("grappe__porteur", "grappe__campagne", "region_pilote"))
    enveloppes: dict[int, dict] = {}
    lignes = []
    for dossier in dossiers:
        enveloppe = enveloppes_selectors.enveloppe_du_dossier(dossier)
        if enveloppe is not None and enveloppe.pk not in enveloppes:
            enveloppes[enveloppe.pk] = {"enveloppe": enveloppe, "avant": enveloppes_selectors.etat(enveloppe).disponible,
                                        "engage": 0}
        if enveloppe is not None:
            enveloppes[enveloppe.pk]["engage"] += dossier.montant_demande
        lignes.append({"dossier": dossier, "montant": dossier.montant_demande, "enveloppe": enveloppe})
    for e in enveloppes.values():
        e["apres"] = e["avant"] - e["engage"]
    total = sum(ligne["montant"] for ligne in lignes)
    return render(request, "candidatures/confirmation_lot.html", {
        "title": "Confirmer la décision", "lignes": lignes, "total": total, "enveloppes": list(enveloppes.values()),
        "commentaire": form.cleaned_data["commentaire"], "retour": request.POST.get("retour", ""),
        "url_retour": retour,
    })


@login_required
@require_POST
def sauvegarder_recherche(request: RequeteConnectee) -> HttpResponse:
    """Save the current filters under a name (a user's own preference: no audit event)."""
    require(request.user, "candidatures.instruire")
    form = RechercheSauvegardeeForm(request.POST)
    parametres = parametres_filtres(QueryDict(request.POST.get("parametres", "")))
    if not form.is_valid():
        messages.error(request, "Recherche non enregistrée : donnez-lui un nom.")
        return redirect(_url_file(parametres))
    recherches_sauvegardees.sauvegarder(actor=request.user, nom=form.cleaned_data["nom"], parametres=parametres)
    messages.success(request, f"Recherche « {form.cleaned_data['nom'].strip()} » enregistrée.")
    return redirect(_url_file(parametres))


@login_required
@require_POST
def supprimer_recherche(request: HttpRequest, pk: int) -> HttpResponse:
    recherche = recherches_sauvegardees.supprimer(actor=request.user, pk=pk)
    messages.success(request, f"Recherche « {recherche.nom} » supprimée.")
    return redirect("candidatures:instruction")
