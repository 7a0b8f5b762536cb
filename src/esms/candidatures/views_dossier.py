"""The dossier page, shared by instructors, the porteur and member ESSMS managers, and its actions:
transitions of the workflow (with their forms), messages, private annotations, avis, documents served
through a scoped view, the convention PDF and its signature, the members export.

What a user sees and may do is computed with the permission layer and passed as booleans; the private
annotations and the avis are only ever queried for users who may instruct.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from esms.candidatures import (
    accuse,
    affectation,
    etiquettes,
    rappels,
    selectors,
    services,
    views_affectation,
    views_confirmation,
    workflow,
)
from esms.candidatures import conventions as etapes_convention
from esms.candidatures.archive import archive as archive_du_dossier
from esms.candidatures.etats import ETATS_MODIFIABLES, Etat
from esms.candidatures.forms import (
    AnnotationForm,
    AvisForm,
    CommentaireForm,
    ComplementForm,
    DemandeAvisForm,
    MessageForm,
    RetenirForm,
    SignatureForm,
)
from esms.candidatures.models import Dossier
from esms.candidatures.regles import eligibilites_sons
from esms.candidatures.selectors import verdict_courant
from esms.candidatures.views_verdict import financement_par_membre, presenter
from esms.comptes.permissions import decide, has_perm
from esms.comptes.requetes import RequeteConnectee
from esms.exports import reponse_pdf, reponse_tableau
from esms.financement import conventions
from esms.financement.selectors import convention_et_versements
from esms.refus import REFUS, pour_page
from esms.televersements import genre_televersement, refus_de_la_requete


def _form_transition(definition: workflow.TransitionDef, dossier: Dossier, data=None, files=None) -> forms.Form:
    """The form of a transition offered on the page, as its `affichage` in the workflow table says."""
    affichage, prefix = definition.affichage, definition.nom
    if affichage is None:
        raise Http404("Transition inconnue.")
    if affichage.saisie == "montant":
        return RetenirForm(data, prefix=prefix, initial={"montant": dossier.montant_demande})
    if affichage.saisie == "signature":
        return SignatureForm(data, files, prefix=prefix, initial={"date_signature": timezone.localdate()})
    if affichage.saisie == "complement":
        return ComplementForm(data, prefix=prefix, obligatoire=definition.commentaire_obligatoire,
                              label=affichage.libelle_saisie,
                              initial={"delai": timezone.localdate() + rappels.DELAI_PAR_DEFAUT})
    return CommentaireForm(data, prefix=prefix, obligatoire=definition.commentaire_obligatoire,
                           label=affichage.libelle_saisie)


def _libelle(nom: str) -> str:
    definition = workflow.TRANSITIONS.get(nom)
    return definition.libelle if definition else nom


def _experts(user, dossier: Dossier):
    """Agents who may give an avis on the dossier: the other instructors of its regions."""
    return selectors.experts_possibles(dossier, sauf=user)


def _page_dossier(request: RequeteConnectee, dossier: Dossier, *, refus: dict | None = None,
                  formulaires: dict | None = None) -> HttpResponse:
    user = request.user
    formulaires = formulaires or {}
    peut_instruire = has_perm(user, "candidatures.instruire")
    peut_modifier = has_perm(user, "candidatures.deposer") and dossier.etat in ETATS_MODIFIABLES
    convention, versements = convention_et_versements(dossier)
    echeances = {e["type"]: e["montant"] for e in (convention.echeancier if convention else [])}
    transitions = [
        {"def": t, "form": formulaires.get(t.nom) or _form_transition(t, dossier),
         "style": t.affichage.style, "fichiers": t.affichage.saisie == "signature",
         "versement": (t.affichage.annonce_versement, echeances.get(t.affichage.annonce_versement))
         if t.affichage.annonce_versement else None}
        for t in workflow.transitions_possibles(user, dossier) if t.affichage is not None
        and not (t.affichage.edition and peut_modifier)
    ]
    verdict = dossier.verdict
    verdict_erreur = ""
    if verdict is None and dossier.etat == Etat.BROUILLON:
        verdict, verdict_erreur = verdict_courant(dossier)
    montants = financement_par_membre(verdict)
    membres = [{"membre": m, "et": m.etablissement, "financement": montants.get(m.etablissement_id)}
               for m in selectors.membres_detailles(dossier)]
    contexte = {
        "title": f"Dossier {dossier}", "dossier": dossier, "grappe": dossier.grappe, "refus": refus,
        "verdict": presenter(verdict), "verdict_erreur": verdict_erreur, "verdict_fige": dossier.verdict is not None,
        "membres": membres, "transitions": transitions,
        "documents": selectors.documents(dossier),
        "historique": _historique(dossier, avec_attributions=peut_instruire),
        "echanges": selectors.echanges(dossier),
        "peut_instruire": peut_instruire, "peut_modifier": peut_modifier,
        "peut_ecrire": has_perm(user, "candidatures.messagerie"),
        "message_form": formulaires.get("message") or MessageForm(),
        "convention": convention, "versements": versements,
        "peut_editer_convention": dossier.montant_retenu is not None,
    }
    if peut_instruire:  # never queried for the porteur or the ESSMS managers
        poses = {e.pk for e in selectors.etiquettes_de(dossier)}
        contexte.update({
            "etiquettes": [{"etiquette": e, "posee": e.pk in poses}
                           for e in selectors.etiquettes_de_la_campagne(dossier.grappe.campagne)],
            "peut_etiqueter": bool(decide(user, "candidatures.etiqueter", dossier)),
            "annotations": dossier.annotations.select_related("auteur"),
            "annotation_form": formulaires.get("annotation") or AnnotationForm(),
            "avis": dossier.avis.select_related("demandeur", "expert"),
            "affectation": views_affectation.contexte(user, dossier, form=formulaires.get("attribution")),
            "demande_avis_form": formulaires.get("avis") or DemandeAvisForm(experts=_experts(user, dossier)),
            "avis_a_rendre": [
                {"avis": a, "form": formulaires.get(f"avis-{a.pk}") or AvisForm(prefix=f"avis-{a.pk}")}
                for a in dossier.avis.filter(expert=user, rendu_le__isnull=True)
            ],
        })
    return render(request, "candidatures/dossier.html", contexte)


@login_required
@require_POST
def etiqueter(request: RequeteConnectee, pk: int) -> HttpResponse:
    """Set the dossier's labels to those ticked (labels of its campaign)."""
    dossier = selectors.dossier(actor=request.user, pk=pk)
    disponibles = {str(e.pk): e for e in selectors.etiquettes_de_la_campagne(dossier.grappe.campagne)}
    choisies = [disponibles[v] for v in request.POST.getlist("etiquettes") if v in disponibles]
    try:
        noms = etiquettes.etiqueter(actor=request.user, dossier=dossier, etiquettes=choisies)
    except REFUS as exc:
        return _page_dossier(request, dossier, refus=pour_page(exc, "Étiquettes non enregistrées"))
    messages.success(request, "Étiquettes enregistrées : " + (", ".join(noms) if noms else "aucune") + ".")
    return _retour(dossier, "etiquettes")


def _historique(dossier: Dossier, *, avec_attributions: bool) -> list[dict]:
    """State changes, and for instructors the assignment changes, in time order."""
    lignes: list[dict[str, Any]] = [{"date": t.cree_le, "libelle": _libelle(t.nom), "acteur": t.acteur, "commentaire": t.commentaire,
               "etat": f"{t.get_etat_avant_display()} → {t.get_etat_apres_display()}"}
              for t in selectors.historique_detaille(dossier)]
    if avec_attributions:
        lignes = sorted(lignes + views_affectation.historique(dossier), key=lambda ligne: ligne["date"])
    return lignes


def _retour(dossier: Dossier, ancre: str = "") -> HttpResponse:
    return redirect(reverse("candidatures:dossier", args=[dossier.pk]) + (f"#{ancre}" if ancre else ""))


def _erreurs(form: forms.Form, titre: str) -> dict:
    return {"titre": titre, "raisons": [e for erreurs in form.errors.values() for e in erreurs]}


@login_required
@require_GET
def dossier(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    affectation.marquer_vu(actor=request.user, dossier=dossier)
    return _page_dossier(request, dossier)


@login_required
@require_POST
@genre_televersement("documents")
def transition(request: RequeteConnectee, pk: int, nom: str) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    definition = workflow.TRANSITIONS.get(nom)
    if definition is None or definition.affichage is None:
        raise Http404("Transition inconnue.")
    libelle = definition.libelle
    form = _form_transition(definition, dossier, request.POST, request.FILES)  # reads the body (upload limit)
    if refus := refus_de_la_requete(request):
        return _page_dossier(request, dossier, refus=pour_page(refus, f"« {libelle} » refusé"))
    if not form.is_valid():
        return _page_dossier(request, dossier, formulaires={nom: form}, refus=_erreurs(form, f"« {libelle} » : saisie incomplète"))
    if views_confirmation.a_confirmer(request, definition):  # money: the amount is confirmed first
        try:
            return views_confirmation.page(request, dossier, definition, form)
        except REFUS as exc:
            return _page_dossier(request, dossier, formulaires={nom: form}, refus=pour_page(exc, f"« {libelle} » refusé"))
    donnees = form.cleaned_data
    try:
        if definition.service == "retenir":
            services.retenir(actor=request.user, dossier=dossier, montant=donnees["montant"],
                             commentaire=donnees["commentaire"],
                             appreciation_reserve=donnees["appreciation_reserve"])
        elif definition.service == "demander_complement":
            services.demander_complement(actor=request.user, dossier=dossier, commentaire=donnees["commentaire"],
                                         delai=donnees["delai"])
        elif definition.service == "signer_convention":
            etapes_convention.signer(actor=request.user, dossier=dossier, date_signature=donnees["date_signature"],
                               scan=donnees["scan"])
        else:
            services.appliquer(actor=request.user, dossier=dossier, transition=nom, commentaire=donnees["commentaire"])
    except REFUS as exc:
        return _page_dossier(request, dossier, formulaires={nom: form}, refus=pour_page(exc, f"« {libelle} » refusé"))
    dossier.refresh_from_db()
    messages.success(request, f"{libelle} : fait. Le dossier est « {dossier.get_etat_display().lower()} ».")
    return _retour(dossier)


@login_required
@require_POST
@genre_televersement("pieces_jointes")
def envoyer_message(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    form = MessageForm(request.POST, request.FILES)  # reads the body: the « pieces_jointes » limit applies
    if refus := refus_de_la_requete(request):
        return _page_dossier(request, dossier, refus=pour_page(refus, "Message non envoyé"))
    if not form.is_valid():
        return _page_dossier(request, dossier, formulaires={"message": form}, refus=_erreurs(form, "Message non envoyé"))
    try:
        services.envoyer_message(actor=request.user, dossier=dossier, texte=form.cleaned_data["texte"],
                                 fichier=form.cleaned_data["piece_jointe"])
    except REFUS as exc:
        return _page_dossier(request, dossier, formulaires={"message": form}, refus=pour_page(exc, "Message non envoyé"))
    messages.success(request, "Message envoyé.")
    return _retour(dossier, "messagerie")


@login_required
@require_POST
def annoter(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    form = AnnotationForm(request.POST)
    if not form.is_valid():
        return _page_dossier(request, dossier, formulaires={"annotation": form},
                             refus=_erreurs(form, "Annotation non enregistrée"))
    try:
        services.annoter(actor=request.user, dossier=dossier, texte=form.cleaned_data["texte"])
    except REFUS as exc:
        return _page_dossier(request, dossier, formulaires={"annotation": form},
                             refus=pour_page(exc, "Annotation non enregistrée"))
    messages.success(request, "Annotation enregistrée.")
    return _retour(dossier, "annotations")


@login_required
@require_POST
def demander_avis(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    form = DemandeAvisForm(request.POST, experts=_experts(request.user, dossier))
    if not form.is_valid():
        return _page_dossier(request, dossier, formulaires={"avis": form}, refus=_erreurs(form, "Avis non demandé"))
    try:
        avis = services.demander_avis(actor=request.user, dossier=dossier, expert=form.cleaned_data["expert"],
                                      question=form.cleaned_data["question"])
    except REFUS as exc:
        return _page_dossier(request, dossier, formulaires={"avis": form}, refus=pour_page(exc, "Avis non demandé"))
    messages.success(request, f"Avis demandé à {avis.expert}.")
    return _retour(dossier, "avis")


@login_required
@require_POST
def rendre_avis(request: RequeteConnectee, pk: int, avis_pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    avis = selectors.avis_demande(actor=request.user, dossier=dossier, pk=avis_pk)
    form = AvisForm(request.POST, prefix=f"avis-{avis.pk}")
    if not form.is_valid():
        return _page_dossier(request, dossier, formulaires={f"avis-{avis.pk}": form},
                             refus=_erreurs(form, "Avis non rendu"))
    try:
        services.rendre_avis(actor=request.user, avis=avis, reponse=form.cleaned_data["reponse"],
                             favorable=form.sens())
    except REFUS as exc:
        return _page_dossier(request, dossier, formulaires={f"avis-{avis.pk}": form}, refus=pour_page(exc, "Avis non rendu"))
    messages.success(request, "Avis rendu.")
    return _retour(dossier, "avis")


@login_required
@require_GET
def document(request: RequeteConnectee, pk: int, document_pk: int) -> FileResponse:
    """A document of a dossier in scope (404 otherwise): never served from a public media URL."""
    dossier = selectors.dossier(actor=request.user, pk=pk)
    piece = selectors.document(dossier, document_pk)
    return FileResponse(piece.fichier.open("rb"), as_attachment=True, filename=piece.nom_original)


@login_required
@require_GET
def accuse_pdf(request: RequeteConnectee, pk: int) -> HttpResponse:
    """The receipt of the filing (accusé de dépôt) with the dossier number and the digest of the filed content."""
    dossier = selectors.dossier(actor=request.user, pk=pk)
    try:
        contenu = accuse.pdf(actor=request.user, dossier=dossier)
    except REFUS as exc:
        return _page_dossier(request, dossier, refus=pour_page(exc, "Accusé de dépôt indisponible"))
    return reponse_pdf(contenu, nom=f"accuse-de-depot-{dossier.numero}")


@login_required
@require_GET
def archive_zip(request: RequeteConnectee, pk: int) -> FileResponse:
    """The whole dossier as a zip (summary PDF, documents, messages; instruction notes for instructors only).
    FileResponse closes the temporary file once sent, which deletes it."""
    zip_ = archive_du_dossier(actor=request.user, pk=pk)
    return FileResponse(zip_.fichier, as_attachment=True, filename=zip_.nom, content_type="application/zip")


@login_required
@require_GET
def convention_pdf(request: RequeteConnectee, pk: int) -> HttpResponse:
    dossier = selectors.dossier(actor=request.user, pk=pk)
    try:
        contenu = conventions.pdf(actor=request.user, dossier=dossier)
    except REFUS as exc:
        return _page_dossier(request, dossier, refus=pour_page(exc, "Convention indisponible"))
    return reponse_pdf(contenu, nom=f"convention-{dossier.numero or dossier.pk}")


ENTETES_MEMBRES = ["FINESS ET", "Raison sociale", "Commune", "Département", "Catégorie", "Secteur", "Cas",
                   "Autres fonds européens", "Déjà financé pour", "Part des heures éligibles", "Éligible au SONS",
                   "Financement calculé (€)"]


@login_required
@require_GET
def export_membres(request: RequeteConnectee, pk: int, format: str) -> HttpResponse:
    """The members of a dossier in scope with the funding the rules computed (frozen at filing)."""
    dossier = selectors.dossier(actor=request.user, pk=pk)
    verdict = dossier.verdict if dossier.verdict is not None else verdict_courant(dossier)[0]
    montants = financement_par_membre(verdict)
    membres = selectors.membres_detailles(dossier)
    sons = eligibilites_sons(membres, timezone.localdate(dossier.depose_le) if dossier.depose_le else None)
    lignes = (
        [m.etablissement_id, m.etablissement.raison_sociale, m.etablissement.ligne_acheminement,
         str(m.etablissement.departement), str(m.etablissement.categorie), m.etablissement.secteur,
         m.get_cas_display(), m.autres_fonds_ue, m.deja_finance_pour, m.part_heures_eligibles,
         sons[m.etablissement_id][0], (montants.get(m.etablissement_id) or {}).get("montant")]
        for m in membres
    )
    return reponse_tableau(nom=f"membres-{dossier.numero or dossier.pk}", entetes=ENTETES_MEMBRES, lignes=lignes,
                           format=format, titre="Membres")
