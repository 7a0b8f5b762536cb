"""Usage pages: the dossiers in usage follow-up; one dossier's usage (reports, evidence, recomputed vs
declared with flags, the rules' verdict per establishment, the ARS's decision); payment orders and the
Caisse des dépôts export; vendor authorisations. Views stay thin: services and selectors do the work."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from esms.candidatures import regles
from esms.candidatures.etats import ETATS_VALIDATION
from esms.candidatures.models import Dossier
from esms.comptes import selectors as comptes
from esms.comptes.permissions import (
    decide,
    etablissements_limites,
    has_perm,
    require,
)
from esms.comptes.requetes import RequeteConnectee
from esms.exports import FORMATS, reponse_tableau
from esms.financement import conventions
from esms.financement.models import Versement
from esms.financement.selectors import convention_et_versements
from esms.refus import Refus, messages_de, pour_page
from esms.rules import RulesInputError
from esms.televersements import genre_televersement, refus_de_la_requete
from esms.usages import selectors, services
from esms.usages.forms import AutorisationForm, DecisionForm, ImportForm, PreuveForm, SaisieForm
from esms.usages.indicateurs import COLONNES_FIXES


def _trimestre_precedent(jour: date) -> tuple[date, date]:
    premier = date(jour.year, 3 * ((jour.month - 1) // 3) + 1, 1)
    fin = premier - timedelta(days=1)
    return date(fin.year, 3 * ((fin.month - 1) // 3) + 1, 1), fin


def _periode(request: RequeteConnectee, dossier: Dossier) -> tuple[date, date]:
    try:
        return date.fromisoformat(request.GET["debut"]), date.fromisoformat(request.GET["fin"])
    except (KeyError, ValueError):
        connues = selectors.periodes(dossier)
        return connues[0] if connues else _trimestre_precedent(timezone.localdate())


def _dossier(request: RequeteConnectee, pk: int) -> Dossier:
    return selectors.dossier_en_usage(actor=request.user, pk=pk)


def _url(dossier: Dossier, debut: date, fin: date) -> str:
    return f"{reverse('usages:dossier', args=[dossier.pk])}?debut={debut.isoformat()}&fin={fin.isoformat()}"


def _verdict(dossier: Dossier, synthese) -> tuple[dict | None, list[str]]:
    """The rules' verdict on the reported indicators (and the payment due), or the rules' errors."""
    if not synthese.rapports:
        return None, []
    convention, _ = convention_et_versements(dossier)
    versement = None
    if convention is not None and convention.date_signature is not None:
        versement = {"montant_convention": convention.montant, "deja_verse": conventions.deja_verse(dossier),
                     "convention_signee": True}
    try:
        return regles.evaluer_usage(dossier, synthese.indicateurs_par_et, versement), []
    except RulesInputError as exc:
        return None, list(exc.erreurs)


def _page(request: RequeteConnectee, dossier: Dossier, *, formulaires: dict | None = None, refus=None,
          status: int = 200) -> HttpResponse:
    debut, fin = _periode(request, dossier)
    synthese = selectors.synthese(dossier, debut, fin, tolerance=services.tolerance(dossier).valeur)
    verdict, erreurs_regles = _verdict(dossier, synthese)
    atteintes = {m["finess_et"]: m for m in (verdict or {}).get("usage", {}).get("par_membre", [])} if verdict and verdict["usage"] else {}
    motifs = {}
    for motif in (verdict or {}).get("motifs", []):
        if motif["rule"] == "usage.cibles" and motif["finess_et"]:
            motifs[motif["finess_et"]] = motif["message"]
    user = request.user
    limites = etablissements_limites(user)
    if limites is not None:  # a vendor: its establishments' figures only; no grappe verdict, convention, payment
        synthese.lignes = [ligne for ligne in synthese.lignes if ligne.finess_et in limites]
        verdict, erreurs_regles, atteintes, motifs = None, [], {}, {}
    lignes = [{"ligne": ligne, "atteinte": atteintes.get(ligne.finess_et), "motif": motifs.get(ligne.finess_et)}
              for ligne in synthese.lignes]
    peut_declarer = bool(decide(user, "usages.declarer", dossier))
    peut_valider = (dossier.etat in ETATS_VALIDATION and bool(decide(user, "usages.valider", dossier))
                    and bool(decide(user, "candidatures.piloter", dossier)))
    periode = {"debut": debut, "fin": fin}
    campagne = regles.campagne_de(regles.version_du_dossier(dossier))
    etablissements = [(ligne.finess_et, f"{ligne.raison_sociale} ({ligne.finess_et})") for ligne in synthese.lignes]
    formulaires = formulaires or {}
    convention, versements = convention_et_versements(dossier) if limites is None else (None, [])
    contexte = {
        "title": f"Usages du dossier {dossier}", "dossier": dossier, "synthese": synthese, "lignes": lignes,
        "verdict": verdict, "erreurs_regles": erreurs_regles, "periodes": selectors.periodes(dossier),
        "debut": debut, "fin": fin, "refus": refus, "peut_declarer": peut_declarer, "peut_valider": peut_valider,
        "definition": campagne.usage.dui_actif, "tolerance": services.tolerance(dossier).valeur,
        "preuves": selectors.preuves_de(dossier, debut=debut, fin=fin,
                                        deposees_par=user if limites is not None else None),
        "limite": limites is not None,
        "validations": selectors.validations(dossier) if limites is None else [],
        "versements": versements, "convention": convention,
        "traitements": selectors.traitements_de(dossier, auteur=user if limites is not None else None),
    }
    if peut_declarer:
        contexte["saisie_form"] = formulaires.get("saisie") or SaisieForm(
            initial=periode, etablissements=etablissements, catalogue=campagne.usage.indicateurs)
        contexte["import_form"] = formulaires.get("import") or ImportForm(initial=periode)
        contexte["preuve_form"] = formulaires.get("preuve") or PreuveForm(initial=periode)
    if peut_valider:
        a_ordonner = services.montant_a_ordonner((verdict or {}).get("versement"))
        contexte["a_ordonner"] = a_ordonner
        contexte["decision_form"] = formulaires.get("decision") or DecisionForm(
            initial={**periode, "montant_confirme": a_ordonner})
    return render(request, "usages/dossier.html", contexte, status=status)


@login_required
@require_GET
def liste(request: RequeteConnectee) -> HttpResponse:
    dossiers = selectors.dossiers_en_usage(actor=request.user)
    return render(request, "usages/liste.html", {
        "title": "Usages et preuves", "page_obj": Paginator(dossiers, 50).get_page(request.GET.get("page")),
        "peut_exporter": has_perm(request.user, "versements.exporter"),
        "peut_autoriser": has_perm(request.user, "usages.autoriser_editeur"),
    })


@login_required
@require_GET
def dossier(request: RequeteConnectee, pk: int) -> HttpResponse:
    return _page(request, _dossier(request, pk))


def seuil_indicateurs_arriere_plan() -> int:
    """Indicator files above this size (`ESMS_INDICATEURS_SEUIL_ARRIERE_PLAN`, bytes) are read by the task worker."""
    return int(getattr(settings, "ESMS_INDICATEURS_SEUIL_ARRIERE_PLAN", 512 * 1024))


def seuil_arriere_plan() -> int:
    """Evidence files above this size (`ESMS_PREUVE_SEUIL_ARRIERE_PLAN`, bytes) are processed by the task worker."""
    return int(getattr(settings, "ESMS_PREUVE_SEUIL_ARRIERE_PLAN", 20 * 1024 * 1024))


def _refus(titre: str, exc: Exception) -> dict:
    """A usage page shows every refusal in place, permission ones included (a vendor not authorised for one
    establishment of a file…)."""
    return pour_page(exc, titre, permission_sur_la_page=True)


def _statut(exc: Exception) -> int:
    """A refusal for lack of right or scope answers 403 (the page still says why); a business refusal 400."""
    return 403 if isinstance(exc, PermissionDenied) else 400


@login_required
@require_POST
def saisir(request: RequeteConnectee, pk: int) -> HttpResponse:
    require(request.user, "usages.declarer")
    objet = _dossier(request, pk)
    campagne = regles.campagne_de(regles.version_du_dossier(objet))
    membres = sorted(services.membres(objet))
    form = SaisieForm(request.POST, etablissements=[(m, m) for m in membres], catalogue=campagne.usage.indicateurs)
    if not form.is_valid():
        return _page(request, objet, formulaires={"saisie": form}, status=400)
    d = form.cleaned_data
    try:
        services.declarer_indicateurs(actor=request.user, dossier=objet, finess_et=d["finess_et"], debut=d["debut"],
                                      fin=d["fin"], dui_actifs=d["dui_actifs"], valeurs=form.valeurs())
    except (Refus, PermissionDenied) as exc:
        return _page(request, objet, formulaires={"saisie": form}, refus=_refus("Déclaration refusée", exc), status=_statut(exc))
    messages.success(request, f"Indicateurs de l'établissement {d['finess_et']} enregistrés.")
    return redirect(_url(objet, d["debut"], d["fin"]))


@login_required
@require_POST
@genre_televersement("indicateurs")
def importer(request: RequeteConnectee, pk: int) -> HttpResponse:
    require(request.user, "usages.declarer")
    objet = _dossier(request, pk)
    form = ImportForm(request.POST, request.FILES)
    if refus := refus_de_la_requete(request):
        return _page(request, objet, formulaires={"import": form}, status=413,
                     refus=_refus("Fichier refusé : rien n'a été enregistré", refus))
    if not form.is_valid():
        return _page(request, objet, formulaires={"import": form}, status=400)
    d = form.cleaned_data
    if d["fichier"].size > seuil_indicateurs_arriere_plan():
        try:
            traitement = services.programmer_indicateurs(actor=request.user, dossier=objet, fichier=d["fichier"],
                                                         nom=d["fichier"].name, debut=d["debut"], fin=d["fin"])
        except (Refus, PermissionDenied) as exc:
            return _page(request, objet, formulaires={"import": form},
                         refus=_refus("Fichier refusé : rien n'a été enregistré", exc), status=_statut(exc))
        messages.info(request, f"Fichier « {traitement.nom} » reçu : sa lecture et son contrôle s'exécutent en "
                               "arrière-plan. Suivez leur avancement dans « Traitements des fichiers » ci-dessous.")
        return redirect(_url(objet, d["debut"], d["fin"]))
    try:
        rapports = services.importer_indicateurs(actor=request.user, dossier=objet, fichier=d["fichier"],
                                                 nom=d["fichier"].name, debut=d["debut"], fin=d["fin"])
    except (Refus, PermissionDenied) as exc:
        return _page(request, objet, formulaires={"import": form}, refus=_refus("Fichier refusé : rien n'a été enregistré", exc),
                     status=_statut(exc))
    messages.success(request, f"{len(rapports)} établissement(s) importé(s) depuis « {d['fichier'].name} ».")
    return redirect(_url(objet, d["debut"], d["fin"]))


@login_required
@require_POST
@genre_televersement("preuves")
def deposer_preuve(request: RequeteConnectee, pk: int) -> HttpResponse:
    require(request.user, "usages.declarer")
    objet = _dossier(request, pk)
    form = PreuveForm(request.POST, request.FILES)
    if refus := refus_de_la_requete(request):
        return _page(request, objet, formulaires={"preuve": form}, status=413,
                     refus=_refus("Preuve refusée : rien n'a été enregistré", refus))
    if not form.is_valid():
        return _page(request, objet, formulaires={"preuve": form}, status=400)
    d = form.cleaned_data
    if d["fichier"].size > seuil_arriere_plan():
        try:
            traitement = services.programmer_preuve(actor=request.user, dossier=objet, fichier=d["fichier"],
                                                    nom=d["fichier"].name, debut=d["debut"], fin=d["fin"])
        except (Refus, PermissionDenied) as exc:
            return _page(request, objet, formulaires={"preuve": form},
                         refus=_refus("Preuve refusée : rien n'a été enregistré", exc), status=400)
        messages.info(request, f"Preuve « {traitement.nom} » reçue : son contrôle et son recomptage s'exécutent en "
                               "arrière-plan. Suivez leur avancement dans « Traitements des fichiers » ci-dessous.")
        return redirect(_url(objet, d["debut"], d["fin"]))
    try:
        preuve = services.deposer_preuve(actor=request.user, dossier=objet, fichier=d["fichier"], nom=d["fichier"].name,
                                         debut=d["debut"], fin=d["fin"])
    except (Refus, PermissionDenied) as exc:
        return _page(request, objet, formulaires={"preuve": form}, refus=_refus("Preuve refusée : rien n'a été enregistré", exc),
                     status=_statut(exc))
    total = sum(preuve.resultats.values())
    messages.success(request, f"Preuve « {preuve.nom_original} » enregistrée : {preuve.nb_evenements} événements, "
                              f"{total} DUI actifs recalculés.")
    return redirect(_url(objet, d["debut"], d["fin"]))


@login_required
@require_POST
def decider(request: RequeteConnectee, pk: int) -> HttpResponse:
    require(request.user, "usages.valider")
    objet = _dossier(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, objet, formulaires={"decision": form}, status=400)
    d = form.cleaned_data
    try:
        if d["decision"] == "valider":
            validation = services.valider_usage(actor=request.user, dossier=objet, debut=d["debut"], fin=d["fin"],
                                                motif=d["motif"], montant_attendu=d["montant_confirme"])
            suite = f" Versement ordonné : {validation.versement.montant} €." if validation.versement else ""
            messages.success(request, f"Usages validés.{suite}")
        else:
            services.rejeter_usage(actor=request.user, dossier=objet, debut=d["debut"], fin=d["fin"], motif=d["motif"])
            messages.success(request, "Usages rejetés ; le porteur est notifié.")
    except (Refus, PermissionDenied) as exc:
        return _page(request, objet, formulaires={"decision": form}, refus=_refus("Décision refusée", exc), status=_statut(exc))
    return redirect(_url(objet, d["debut"], d["fin"]))


@login_required
@require_GET
def modele_indicateurs(request: RequeteConnectee, pk: int) -> HttpResponse:
    objet = _dossier(request, pk)
    codes = services.catalogue(objet)
    limites = etablissements_limites(request.user)
    membres = sorted(et for et in services.membres(objet) if limites is None or et in limites)
    lignes = [[et, "", *[""] * len(codes)] for et in membres]
    return reponse_tableau(nom=f"indicateurs-{objet.numero}", entetes=[*COLONNES_FIXES, *codes], lignes=lignes,
                           format=request.GET.get("format", "csv") if request.GET.get("format") in FORMATS else "csv",
                           titre="Indicateurs")


# --- Payment orders -------------------------------------------------------------------------------

@login_required
@require_GET
def versements(request: RequeteConnectee) -> HttpResponse:
    statut = request.GET.get("statut") or None
    qs = selectors.versements(actor=request.user, statut=statut)
    format_ = request.GET.get("format")
    if format_ in FORMATS:
        return reponse_tableau(nom=f"ordres-de-paiement-{timezone.localdate():%Y%m%d}", entetes=selectors.ENTETES_VERSEMENTS,
                               lignes=selectors.lignes_versements(qs), format=format_, titre="Ordres de paiement")
    return render(request, "usages/versements.html", {
        "title": "Ordres de paiement", "versements": qs[:1000], "statut": statut or "",
        "statuts": Versement.Statut.choices, "total": sum(v.montant for v in qs),
    })


@login_required
@require_POST
def ordonner(request: RequeteConnectee, pk: int) -> HttpResponse:
    versement = get_object_or_404(selectors.versements(actor=request.user), pk=pk)
    if request.POST.get("montant_confirme") != str(versement.montant):
        # The order is only sent once the agent confirmed the very amount shown (never a stale or missing one).
        messages.error(request, f"Versement non ordonné : confirmez l'ordre de paiement de {versement.montant} € "
                                f"du dossier {versement.dossier}.")
        return redirect("usages:versements")
    try:
        services.ordonner_versement(actor=request.user, versement=versement)
        messages.success(request, f"Versement de {versement.montant} € ordonné.")
    except Refus as exc:
        if isinstance(exc, PermissionDenied):  # no right or out of scope: 403, not a message
            raise
        messages.error(request, " ".join(messages_de(exc)))
    return redirect("usages:versements")


# --- Vendor authorisations ------------------------------------------------------------------------

def _etablissements_geres(request: RequeteConnectee):
    return selectors.etablissements_geres(actor=request.user)


def _page_editeurs(request: RequeteConnectee, *, form=None, refus=None, status: int = 200) -> HttpResponse:
    etablissements = list(_etablissements_geres(request)[:2000])
    choix = [(e.pk, f"{e.raison_sociale} ({e.pk})") for e in etablissements]
    editeurs: dict[str, list] = {e.pk: [] for e in etablissements}
    for editeur in comptes.editeurs(etablissements=editeurs.keys()):
        for finess in editeur.etablissements.filter(pk__in=editeurs.keys()).values_list("pk", flat=True):
            editeurs[finess].append(editeur)
    return render(request, "usages/editeurs.html", {
        "title": "Éditeurs autorisés", "lignes": [(e, editeurs[e.pk]) for e in etablissements],
        "form": form or AutorisationForm(etablissements=choix), "refus": refus,
    }, status=status)


@login_required
@require_GET
def editeurs(request: RequeteConnectee) -> HttpResponse:
    return _page_editeurs(request)


@login_required
@require_POST
def autoriser(request: RequeteConnectee) -> HttpResponse:
    choix = [(e.pk, e.pk) for e in _etablissements_geres(request)]
    form = AutorisationForm(request.POST, etablissements=choix)
    if not form.is_valid():
        return _page_editeurs(request, form=form, status=400)
    try:
        services.autoriser_editeur(actor=request.user, editeur=form.cleaned_data["editeur"],
                                   finess_et=form.cleaned_data["finess_et"])
    except (Refus, PermissionDenied) as exc:
        return _page_editeurs(request, form=form, refus=_refus("Autorisation refusée", exc), status=_statut(exc))
    messages.success(request, f"L'éditeur « {form.cleaned_data['editeur']} » est autorisé.")
    return redirect("usages:editeurs")


@login_required
@require_POST
def revoquer(request: RequeteConnectee) -> HttpResponse:
    try:
        services.revoquer_editeur(actor=request.user, editeur=request.POST.get("editeur", ""),
                                  finess_et=request.POST.get("finess_et", ""))
    except Refus as exc:
        if isinstance(exc, PermissionDenied):  # no right or out of scope: 403, not a message
            raise
        messages.error(request, " ".join(messages_de(exc)))
    else:
        messages.success(request, "Autorisation retirée.")
    return redirect("usages:editeurs")
