"""GHT memberships page: the organismes of a GHT in the user's scope (with their source), a declaration form for
ARS agents and national administrators, withdrawal, and the import from the FINESS+ groups (national)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from esms.comptes.permissions import has_perm, require
from esms.referencement import ght, selectors
from esms.refus import REFUS
from esms.refus import pour_page as refus


class GhtForm(forms.Form):
    finess_ej = forms.CharField(label="Organisme gestionnaire (FINESS juridique)", max_length=9,
                                widget=forms.TextInput(attrs={"class": "fr-input"}))
    nom_ght = forms.CharField(label="GHT", max_length=300, widget=forms.TextInput(attrs={"class": "fr-input"}))
    justificatif = forms.CharField(label="Source de l'information", max_length=500,
                                   help_text="Convention constitutive du GHT, décision de l'ARS…",
                                   widget=forms.TextInput(attrs={"class": "fr-input"}))


def _page(request: HttpRequest, *, form=None, refus_=None, status: int = 200) -> HttpResponse:
    require(request.user, "referencement.ght")
    appartenances = selectors.appartenances_ght(request.user)
    return render(request, "referencement/ght.html", {
        "title": "Appartenance des organismes à un GHT", "appartenances": appartenances,
        "form": form or GhtForm(), "refus": refus_, "peut_importer": has_perm(request.user, "referencement.gerer"),
    }, status=status)


@login_required
@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
@require_POST
def declarer(request: HttpRequest) -> HttpResponse:
    require(request.user, "referencement.ght")
    form = GhtForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        appartenance = ght.declarer(actor=request.user, **form.cleaned_data)
    except REFUS as exc:
        return _page(request, form=form, refus_=refus(exc, "Déclaration refusée"), status=409)
    messages.success(request, f"{appartenance.organisme} : membre du GHT « {appartenance.nom_ght} ».")
    return redirect("referencement:ght")


@login_required
@require_POST
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    appartenance = selectors.appartenance_ght(request.user, pk)
    ght.retirer(actor=request.user, appartenance=appartenance, motif=request.POST.get("motif", "")[:300])
    messages.success(request, f"{appartenance.organisme_id} n'est plus indiqué comme membre d'un GHT.")
    return redirect("referencement:ght")


@login_required
@require_POST
def importer(request: HttpRequest) -> HttpResponse:
    bilan = ght.importer_finess_plus(actor=request.user)
    messages.success(request, f"Groupes FINESS+ lus : {bilan['ajoutees']} appartenance(s) ajoutée(s), "
                              f"{bilan['modifiees']} modifiée(s), {bilan['retirees']} retirée(s).")
    return redirect("referencement:ght")
