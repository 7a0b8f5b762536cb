"""E-mail preferences of the signed-in user, and the outbox page of national administrators."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms.comptes import audit, courriels, selectors
from esms.comptes.models import Courriel, FrequenceCourriels, User
from esms.comptes.permissions import decide
from esms.formulaires import FormulaireDsfr as DsfrBaseForm


class PreferencesForm(DsfrBaseForm):
    frequence_courriels = forms.ChoiceField(label="Recevoir les notifications par courriel",
                                            choices=FrequenceCourriels.choices, widget=forms.RadioSelect)


@login_required
def mon_compte(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    form = PreferencesForm(request.POST or None, initial={"frequence_courriels": user.frequence_courriels})
    if request.method == "POST" and form.is_valid():
        avant = user.frequence_courriels
        user.frequence_courriels = form.cleaned_data["frequence_courriels"]
        user.save(update_fields=["frequence_courriels"])
        audit.record(actor=user, action="comptes.preferences", obj=user, before={"frequence_courriels": avant},
                     after={"frequence_courriels": user.frequence_courriels})
        messages.success(request, "Vos préférences de notification sont enregistrées.")
        return redirect("comptes:mon_compte")
    return render(request, "comptes/mon_compte.html", {
        "title": "Mon compte", "form": form, "peut_rattacher": decide(user, "comptes.rattacher"),
        "peut_inviter": decide(user, "comptes.inviter")})


@login_required
def liste_courriels(request: HttpRequest) -> HttpResponse:
    statut = request.GET.get("statut", "")
    qs = selectors.courriels(actor=request.user, statut=statut)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "comptes/courriels.html", {
        "title": "Courriels", "page_obj": page, "statut": statut, "statuts": Courriel.Statut.choices,
    })


@login_required
@require_POST
def renvoyer_courriel(request: HttpRequest, pk: int) -> HttpResponse:
    courriel = selectors.courriel(actor=request.user, pk=pk)
    courriels.renvoyer(actor=request.user, courriel=courriel)
    messages.success(request, f"Le courriel à {courriel.adresse} est remis en file d'envoi.")
    return redirect("comptes:courriels")
