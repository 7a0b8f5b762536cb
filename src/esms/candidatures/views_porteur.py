"""Porteur pages: the list of the user's dossiers, creating a grappe, and the edition page of a draft
(or of a dossier whose complement the ARS requested): grappe fields, members found in the référentiel,
documents, the live rules verdict (refreshed by htmx after each change) and the filing.

Every write goes through `services`; a refusal re-renders the page with its French reasons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esms.candidatures import regles, selectors, services
from esms.candidatures.etats import ETATS_MODIFIABLES, Etat
from esms.candidatures.forms import (
    AjoutMembresForm,
    ConfirmationDepotForm,
    CreationGrappeForm,
    DocumentForm,
    GrappeForm,
    MembreForm,
    RemplacementDocumentForm,
)
from esms.candidatures.models import Document, Dossier, Membre
from esms.candidatures.selectors import verdict_courant
from esms.candidatures.views_verdict import financement_par_membre, presenter, raisons_par_membre
from esms.candidatures.workflow import TransitionInterdite
from esms.comptes.permissions import has_perm, require
from esms.comptes.requetes import RequeteConnectee
from esms.referentiel import selectors as referentiel
from esms.refus import REFUS, pour_page
from esms.rules import SECTEUR_LIBELLES
from esms.televersements import genre_televersement, refus_de_la_requete

RESULTATS_PAR_PAGE = 20
MESSAGE_BLOC = "candidatures.message_bloc"  # session key: the message of the block just saved
EVENEMENT_MODIFICATION = "grappe-modifiee"  # htmx event: the verdict and the search results refresh
LARGEURS = {"cas": "16rem", "deja_finance_pour": "10rem", "part_heures_eligibles": "5rem",
            "montant_equipement_demande": "7rem"}  # inputs in table cells


# --- List and creation --------------------------------------------------------------------------

@login_required
@require_GET
def liste(request: RequeteConnectee) -> HttpResponse:
    """« Mes dossiers »: the dossiers in the user's scope, any state. Instructors work from their queue."""
    if has_perm(request.user, "candidatures.instruire"):
        return redirect("candidatures:instruction")
    qs = selectors.mes_dossiers(actor=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "candidatures/liste.html", {
        "title": "Mes dossiers", "page_obj": page, "peut_creer": has_perm(request.user, "candidatures.creer"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def creer(request: RequeteConnectee) -> HttpResponse:
    require(request.user, "candidatures.creer")
    form = CreationGrappeForm(request.POST or None, organismes=request.user.organismes.all())
    erreur = None
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            dossier = services.creer_grappe(
                actor=request.user, campagne_code=donnees["campagne"].code, porteur=donnees["porteur"].pk,
                nom=donnees["nom"], solution=donnees["solution"], description=donnees["description"])
        except REFUS as exc:
            erreur = pour_page(exc, "Création refusée")
        else:
            messages.success(request, f"Grappe « {dossier.grappe} » créée : ajoutez ses établissements membres.")
            return redirect("candidatures:edition", pk=dossier.pk)
    return render(request, "candidatures/creer.html", {"title": "Créer une grappe", "form": form, "refus": erreur})


# --- Edition page -------------------------------------------------------------------------------

def _dossier_modifiable(request: RequeteConnectee, pk: int) -> Dossier:
    """The dossier in scope (else 404), that the user may edit (else 403)."""
    dossier = selectors.dossier(actor=request.user, pk=pk)
    require(request.user, "candidatures.deposer", dossier)
    return dossier


def _form_membre(finess: str, data=None, initial=None) -> MembreForm:
    """A member's row form: its inputs sit in the table cells and belong to the row's <form> by id."""
    form = MembreForm(data, prefix=f"m{finess}", initial=initial)
    for nom, champ in form.fields.items():
        champ.widget.attrs["form"] = f"membre-{finess}"
        if nom in LARGEURS:
            champ.widget.attrs["style"] = f"min-width:{LARGEURS[nom]}"
    return form


def _membres(dossier: Dossier, verdict: dict | None, formulaires: dict | None = None) -> list[dict]:
    formulaires = formulaires or {}
    montants = financement_par_membre(verdict)
    raisons = raisons_par_membre(verdict)
    lignes = []
    membres = selectors.membres_detailles(dossier)
    sons = regles.eligibilites_sons(membres)
    for membre in membres:
        finess = membre.etablissement_id
        form = formulaires.get(finess) or _form_membre(finess, initial={
            "cas": membre.cas, "autres_fonds_ue": membre.autres_fonds_ue,
            "deja_finance_pour": membre.deja_finance_pour, "part_heures_eligibles": membre.part_heures_eligibles,
            "montant_equipement_demande": membre.montant_equipement_demande})
        lignes.append({"membre": membre, "et": membre.etablissement, "form": form, "financement": montants.get(finess),
                       "sons": sons[finess],
                       "raisons": raisons.get(finess, []),
                       "secteur": SECTEUR_LIBELLES.get(membre.etablissement.secteur, membre.etablissement.secteur)})
    return lignes


def _recherche(request: RequeteConnectee, dossier: Dossier) -> dict:
    """Open establishments of the référentiel matching the name or FINESS `q` and the `commune`, paginated."""
    q = (request.GET.get("q") or "").strip()
    commune = (request.GET.get("commune") or "").strip()
    if not (q or commune):
        return {"q": "", "commune": "", "page_obj": None}
    qs = referentiel.rechercher_etablissements(actor=request.user, q=q, commune=commune)
    page = Paginator(qs, RESULTATS_PAR_PAGE).get_page(request.GET.get("page"))
    deja = selectors.deja_membres(dossier, [e.pk for e in page])
    return {"q": q, "commune": commune, "page_obj": page, "deja_membres": deja, "cas": Membre.Cas.choices,
            "parametres": urlencode({"q": q, "commune": commune})}


def _contexte_edition(request: RequeteConnectee, dossier: Dossier, *, membres_forms: dict | None = None,
                      refus_membres: dict | None = None) -> dict:
    verdict, verdict_erreur = verdict_courant(dossier)
    return {
        "dossier": dossier, "grappe": dossier.grappe, "verdict": presenter(verdict), "verdict_erreur": verdict_erreur,
        "membres": _membres(dossier, verdict, membres_forms), "refus_membres": refus_membres,
        "pieces_manquantes": services.pieces_manquantes(dossier),
    }


def _page_edition(request: RequeteConnectee, dossier: Dossier, *, refus: dict | None = None, **surcharges) -> HttpResponse:
    grappe = dossier.grappe
    demande = None
    if dossier.etat == Etat.COMPLEMENT_DEMANDE:
        demande = selectors.demande_de_complement(dossier)
    contexte = {
        "title": f"Modifier le dossier {dossier}",
        **_contexte_edition(request, dossier, membres_forms=surcharges.pop("membres_forms", None),
                            refus_membres=surcharges.pop("refus_membres", None)),
        "refus": refus,
        "grappe_form": GrappeForm(initial={"nom": grappe.nom, "solution": grappe.solution_id,
                                           "description": grappe.description,
                                           "region_pilote_choisie": grappe.region_pilote_choisie_id or ""}),
        "ajout_form": AjoutMembresForm(),
        "document_form": DocumentForm(),
        "documents": _documents(dossier),
        "message_bloc": request.session.pop(MESSAGE_BLOC, None),
        "recherche": _recherche(request, dossier),
        "demande_complement": demande,
        "est_brouillon": dossier.etat == Etat.BROUILLON,
        **surcharges,
    }
    return render(request, "candidatures/edition.html", contexte)


def _documents(dossier: Dossier) -> list:
    """The dossier's documents, each marked `modifiable` when the porteur may still replace or delete it."""
    documents: list[Any] = list(dossier.documents.select_related("depose_par"))  # each with its display flag
    for document in documents:
        document.modifiable = (document.type not in (Document.Type.COMPLEMENT, Document.Type.CONVENTION_SIGNEE)
                               and (dossier.depose_le is None or document.depose_le > dossier.depose_le))
    return documents


def _retour_au_bloc(request: RequeteConnectee, dossier: Dossier, bloc: str, texte: str) -> HttpResponse:
    """Back to the edited block of the edition page, its message shown in that block (not at the top)."""
    request.session[MESSAGE_BLOC] = {"bloc": bloc, "texte": texte}
    return redirect(reverse("candidatures:edition", args=[dossier.pk]) + f"#{bloc}")


@login_required
@require_GET
def edition(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    if dossier.etat not in ETATS_MODIFIABLES:
        messages.info(request, f"Le dossier {dossier} est « {dossier.get_etat_display().lower()} » : il n'est "
                               "plus modifiable, sauf à la demande de l'ARS.")
        return redirect("candidatures:dossier", pk=dossier.pk)
    return _page_edition(request, dossier)


@login_required
@require_GET
def recherche_etablissements(request: RequeteConnectee, pk: int) -> HttpResponse:
    """htmx: the search results of the edition page."""
    dossier = _dossier_modifiable(request, pk)
    return render(request, "candidatures/_resultats.html", {"dossier": dossier,
                                                              "recherche": _recherche(request, dossier)})


@login_required
@require_GET
def panneau_verdict(request: RequeteConnectee, pk: int) -> HttpResponse:
    """htmx: the live rules verdict and the missing documents."""
    dossier = _dossier_modifiable(request, pk)
    return render(request, "candidatures/_verdict_direct.html", _contexte_edition(request, dossier))


# --- Edition actions ----------------------------------------------------------------------------

def _apres_modification(request: RequeteConnectee, dossier: Dossier, message: str,
                        avertissements: list[str] | None = None) -> HttpResponse:
    """htmx: the members section (the verdict refreshes on the event); otherwise back to the page."""
    if request.htmx:
        response = render(request, "candidatures/_membres.html", {**_contexte_edition(request, dossier),
                                                                   "succes": message,
                                                                   "avertissements": avertissements})
        response["HX-Trigger"] = EVENEMENT_MODIFICATION
        return response
    if avertissements:
        messages.warning(request, " ".join([message, *avertissements]))
    else:
        messages.success(request, message)
    return redirect(reverse("candidatures:edition", args=[dossier.pk]) + "#membres")


def _avertissements_ajout(avant: dict | None, apres: dict | None, ajoutes: list[Membre]) -> list[str]:
    """Why each added establishment does not count (yet), and the call or lead region that changed with it."""
    noms = referentiel.raisons_sociales([m.etablissement_id for m in ajoutes])
    raisons = raisons_par_membre(apres)
    lignes = []
    for membre in ajoutes:
        qui = f"{membre.etablissement_id} « {noms.get(membre.etablissement_id, '')} »"
        if membre.adhesion == Membre.Adhesion.PROPOSEE:
            lignes.append(f"{qui} relève d'un autre organisme gestionnaire : il ne comptera qu'après son accord "
                          "(ou celui de l'établissement).")
        elif membre.etablissement_id in raisons:
            lignes.append(f"{qui} ne compte pas : {' '.join(raisons[membre.etablissement_id])}")
    if apres is not None:
        appel_avant = (avant or {}).get("appel")
        if apres.get("appel") != appel_avant and (avant is not None or apres.get("appel") != "regional"):
            routage = next((m["message"] for m in apres.get("motifs", []) if m.get("rule") == "appel.routage"), "")
            libelle = Dossier.Appel(apres["appel"]).label.lower() if apres.get("appel") in Dossier.Appel.values \
                else apres.get("appel")
            lignes.append(f"La grappe relève désormais de l'appel {libelle} : {routage}".strip())
        if avant is not None and apres.get("region_pilote") != avant.get("region_pilote"):
            lignes.append(f"La région pilote devient {(presenter(apres) or {}).get('region_nom')}.")
    return lignes


def _refus_membres(request: RequeteConnectee, dossier: Dossier, erreur: dict, membres_forms=None) -> HttpResponse:
    if request.htmx:
        return render(request, "candidatures/_membres.html", _contexte_edition(
            request, dossier, membres_forms=membres_forms, refus_membres=erreur))
    return _page_edition(request, dossier, refus_membres=erreur, membres_forms=membres_forms)


@login_required
@require_POST
def modifier_grappe(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    form = GrappeForm(request.POST)
    if not form.is_valid():
        return _page_edition(request, dossier, grappe_form=form)
    try:
        services.modifier_grappe(actor=request.user, dossier=dossier, **form.cleaned_data)
    except REFUS as exc:
        return _page_edition(request, dossier, grappe_form=form, refus_grappe=pour_page(exc, "Modification refusée"))
    return _retour_au_bloc(request, dossier, "grappe", "Grappe enregistrée.")


@login_required
@require_POST
def ajouter_membres(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    form = AjoutMembresForm(request.POST)
    if not form.is_valid():
        erreur = {"titre": "Ajout refusé", "raisons": [e for erreurs in form.errors.values() for e in erreurs]}
        if request.htmx:
            return _refus_membres(request, dossier, erreur)
        return _page_edition(request, dossier, ajout_form=form, refus_membres=erreur)
    avant = verdict_courant(dossier)[0]
    try:
        ajoutes = services.ajouter_membres(actor=request.user, dossier=dossier, finess_et=form.cleaned_data["finess"],
                                           cas=form.cleaned_data["cas"])
    except REFUS as exc:
        erreur = pour_page(exc, "Ajout refusé : aucun établissement n'a été ajouté")
        if request.htmx:
            return _refus_membres(request, dossier, erreur)
        return _page_edition(request, dossier, ajout_form=form, refus_membres=erreur)
    pluriel = "s" if len(ajoutes) > 1 else ""
    cas = Membre.Cas(form.cleaned_data["cas"]).label
    apres, indisponible = verdict_courant(dossier)
    avertissements = _avertissements_ajout(avant, apres, ajoutes)
    if indisponible:
        avertissements.append(f"Verdict des règles indisponible : {indisponible}")
    return _apres_modification(
        request, dossier, f"{len(ajoutes)} établissement{pluriel} ajouté{pluriel} à la grappe, cas « {cas} » "
                          "(modifiable dans le tableau des membres).", avertissements)


@login_required
@require_POST
def modifier_membre(request: RequeteConnectee, pk: int, finess: str) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    form = _form_membre(finess, request.POST)
    if not form.is_valid():
        erreur = {"titre": f"Membre {finess} non enregistré",
                  "raisons": [e for erreurs in form.errors.values() for e in erreurs]}
        return _refus_membres(request, dossier, erreur, membres_forms={finess: form})
    try:
        services.modifier_membre(actor=request.user, dossier=dossier, finess_et=finess, **form.cleaned_data)
    except REFUS as exc:
        return _refus_membres(request, dossier, pour_page(exc, f"Membre {finess} non enregistré"),
                              membres_forms={finess: form})
    return _apres_modification(request, dossier, f"Membre {finess} enregistré.")


@login_required
@require_POST
def retirer_membre(request: RequeteConnectee, pk: int, finess: str) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    try:
        services.retirer_membre(actor=request.user, dossier=dossier, finess_et=finess)
    except REFUS as exc:
        return _refus_membres(request, dossier, pour_page(exc, "Retrait refusé"))
    return _apres_modification(request, dossier, f"Établissement {finess} retiré de la grappe.")


@login_required
@require_POST
@genre_televersement("documents")
def deposer_document(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    form = DocumentForm(request.POST, request.FILES)  # reads the body: the « documents » limit applies
    if refus := refus_de_la_requete(request):
        return _page_edition(request, dossier, document_form=DocumentForm(), refus=pour_page(refus, "Pièce refusée"))
    if not form.is_valid():
        return _page_edition(request, dossier, document_form=form)
    try:
        document = services.deposer_document(actor=request.user, dossier=dossier, type=form.cleaned_data["type"],
                                             fichier=form.cleaned_data["fichier"])
    except REFUS as exc:
        return _page_edition(request, dossier, document_form=form, refus_documents=pour_page(exc, "Pièce refusée"))
    return _retour_au_bloc(request, dossier, "documents", f"Pièce « {document.nom_original} » déposée.")


PIECE_ABSENTE = ["Cette pièce ne figure pas (ou plus) dans le dossier : rechargez la page."]


@login_required
@require_POST
def supprimer_document(request: RequeteConnectee, pk: int, document_pk: int) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    document = selectors.document_ou_rien(dossier, document_pk)
    if document is None:
        return _page_edition(request, dossier, refus_documents={"titre": "Suppression refusée", "raisons": PIECE_ABSENTE})
    try:
        services.supprimer_document(actor=request.user, dossier=dossier, document=document)
    except REFUS as exc:
        return _page_edition(request, dossier, refus_documents=pour_page(exc, "Suppression refusée"))
    return _retour_au_bloc(request, dossier, "documents", f"Pièce « {document.nom_original} » supprimée.")


@login_required
@require_POST
@genre_televersement("documents")
def remplacer_document(request: RequeteConnectee, pk: int, document_pk: int) -> HttpResponse:
    dossier = _dossier_modifiable(request, pk)
    document = selectors.document_ou_rien(dossier, document_pk)
    if document is None:
        return _page_edition(request, dossier, refus_documents={"titre": "Remplacement refusé", "raisons": PIECE_ABSENTE})
    form = RemplacementDocumentForm(request.POST, request.FILES)  # reads the body: the « documents » limit applies
    if refus := refus_de_la_requete(request):
        return _page_edition(request, dossier, refus_documents=pour_page(refus, "Remplacement refusé"))
    if not form.is_valid():
        return _page_edition(request, dossier, refus_documents={
            "titre": "Remplacement refusé", "raisons": [e for erreurs in form.errors.values() for e in erreurs]})
    try:
        nouveau = services.remplacer_document(actor=request.user, dossier=dossier, document=document,
                                              fichier=form.cleaned_data["fichier"])
    except REFUS as exc:
        return _page_edition(request, dossier, refus_documents=pour_page(exc, "Remplacement refusé"))
    return _retour_au_bloc(request, dossier, "documents",
                           f"Pièce « {document.nom_original} » remplacée par « {nouveau.nom_original} ».")


def _page_recapitulatif(request: RequeteConnectee, dossier: Dossier, *, form: ConfirmationDepotForm | None = None,
                        refus: dict | None = None) -> HttpResponse:
    """What will be filed: members and amounts, documents, the call's deadline, the verdict; then the
    explicit confirmation."""
    contexte = _contexte_edition(request, dossier)
    return render(request, "candidatures/recapitulatif.html", {
        **contexte, "title": f"Vérifier et déposer le dossier « {dossier.grappe} »",
        "documents": dossier.documents.select_related("depose_par"), "form": form or ConfirmationDepotForm(),
        "refus": refus, "membres_comptes": [m for m in contexte["membres"] if m["financement"]],
    })


@login_required
@require_http_methods(["GET", "POST"])
def deposer(request: RequeteConnectee, pk: int) -> HttpResponse:
    """The summary before filing (GET), then the filing once explicitly confirmed (POST). After the deadline,
    or when it is not admissible, nothing changes and every reason is shown, as sentences saying what to do."""
    dossier = _dossier_modifiable(request, pk)
    if dossier.etat != Etat.BROUILLON:
        messages.info(request, f"Le dossier {dossier} est déjà déposé.")
        return redirect("candidatures:dossier", pk=dossier.pk)
    if request.method == "GET":
        return _page_recapitulatif(request, dossier)
    form = ConfirmationDepotForm(request.POST)
    if not form.is_valid():
        return _page_recapitulatif(request, dossier, form=form)
    try:
        dossier = services.deposer(actor=request.user, dossier=dossier)
    except TransitionInterdite as exc:
        dossier.refresh_from_db()
        if dossier.etat == Etat.BROUILLON:
            return _page_recapitulatif(request, dossier, form=form, refus=pour_page(exc, "Dépôt refusé"))
        # The same form sent twice at once (double click): the first filed it while this one waited for the lock.
        messages.info(request, f"Le dossier {dossier} est déjà déposé.")
        return redirect("candidatures:dossier", pk=dossier.pk)
    except REFUS as exc:
        return _page_recapitulatif(request, dossier, form=form, refus=pour_page(exc, "Dépôt refusé"))
    except regles.VersionIntrouvable as exc:
        return _page_recapitulatif(request, dossier, form=form, refus={"titre": "Dépôt refusé", "raisons": [str(exc)]})
    messages.success(request, f"Dossier déposé sous le numéro {dossier.numero}. L'ARS en est informée. "
                              "Téléchargez l'accusé de dépôt ci-dessous.")
    return redirect("candidatures:dossier", pk=dossier.pk)
