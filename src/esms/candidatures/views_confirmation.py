"""The amount confirmation of a money transition on the dossier page (retain): before anything is written, the
page states the amount, the envelope it is committed on and what remains available after it; the form's values
come back as hidden fields with « <transition>-confirme »."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from esms.candidatures import workflow
from esms.candidatures.models import Dossier
from esms.financement import selectors as enveloppes


def a_confirmer(request: HttpRequest, definition: workflow.TransitionDef) -> bool:
    """Does this POST still need the amount confirmation?"""
    return bool(definition.affichage and definition.affichage.confirmer_montant
                and request.POST.get(f"{definition.nom}-confirme") != "1")


def page(request: HttpRequest, dossier: Dossier, definition: workflow.TransitionDef, form: forms.Form) -> HttpResponse:
    workflow.verifier(request.user, dossier, definition.nom)  # who may, in which state: before any figure is shown
    montant = form.cleaned_data["montant"]
    enveloppe = enveloppes.enveloppe_du_dossier(dossier)
    avant = enveloppes.etat(enveloppe).disponible if enveloppe is not None else None
    return render(request, "candidatures/confirmation_montant.html", {
        "title": f"Confirmer : {definition.libelle.lower()}", "dossier": dossier, "definition": definition,
        "form": form, "montant": montant, "enveloppe": enveloppe, "avant": avant,
        "apres": None if avant is None else avant - montant, "depasse_regles": montant > dossier.montant_demande,
    })
