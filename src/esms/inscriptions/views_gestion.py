"""Account administration: national administrators (everything) and ARS agents (their region) list accounts,
grant and remove roles and scopes, deactivate, and decide on pending claims."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms.comptes.habilitations import CHOIX_ROLES
from esms.comptes.models import Rattachement, User
from esms.formulaires import FormulaireDsfr as DsfrBaseForm
from esms.inscriptions import selectors
from esms.inscriptions import services as inscription


class HabilitationsForm(DsfrBaseForm):
    role = forms.ChoiceField(label="Rôle", choices=CHOIX_ROLES, required=False)
    region = forms.ModelChoiceField(label="Région (agents ARS)", queryset=selectors.regions(),
                                    required=False)
    organismes = forms.CharField(label="Organismes représentés (FINESS EJ, un par ligne)", required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    etablissements = forms.CharField(label="Établissements (FINESS ET, un par ligne)", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def comptes(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.comptes_visibles(request.user, q), 50).get_page(request.GET.get("page"))
    en_attente = selectors.rattachements_visibles(request.user, Rattachement.Statut.EN_ATTENTE).count()
    return render(request, "comptes/gestion_comptes.html", {
        "title": "Comptes", "page_obj": page, "q": q, "en_attente": en_attente})


def _compte(request: HttpRequest, pk: int) -> User:
    return selectors.compte(request.user, pk)


@login_required
def compte(request: HttpRequest, pk: int) -> HttpResponse:
    user = _compte(request, pk)
    form = HabilitationsForm(request.POST or None, initial={
        "role": user.role, "region": user.region_id,
        "organismes": "\n".join(user.organismes.values_list("pk", flat=True)),
        "etablissements": "\n".join(user.etablissements.values_list("pk", flat=True))})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inscription.modifier_habilitations(actor=request.user, user=user, role=d["role"],
                                               region=d["region"].pk if d["region"] else None,
                                               organismes=d["organismes"].split(),
                                               etablissements=d["etablissements"].split())
        except ValidationError as exc:
            for champ, erreurs in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                form.add_error(champ if champ in form.fields else None, erreurs)
        else:
            messages.success(request, f"Habilitations de {user} enregistrées.")
            return redirect("inscriptions:gestion_compte", pk=user.pk)
    return render(request, "comptes/gestion_compte.html", {"title": f"Compte {user}", "compte": user, "form": form})


@login_required
@require_POST
def activation(request: HttpRequest, pk: int) -> HttpResponse:
    user = _compte(request, pk)
    actif = request.POST.get("actif") == "1"
    inscription.changer_activation(actor=request.user, user=user, actif=actif, motif=request.POST.get("motif", ""))
    messages.success(request, f"Compte {user} {'réactivé' if actif else 'désactivé'}.")
    return redirect("inscriptions:gestion_compte", pk=user.pk)


@login_required
def rattachements(request: HttpRequest) -> HttpResponse:
    statut = request.GET.get("statut", Rattachement.Statut.EN_ATTENTE)
    page = Paginator(selectors.rattachements_visibles(request.user, statut if statut in Rattachement.Statut.values
                                                         else ""), 50).get_page(request.GET.get("page"))
    return render(request, "comptes/rattachements.html", {
        "title": "Demandes de rattachement", "page_obj": page, "statut": statut,
        "statuts": Rattachement.Statut.choices})


def _rattachement(request: HttpRequest, pk: int) -> Rattachement:
    return selectors.rattachement(request.user, pk)


@login_required
def rattachement(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _rattachement(request, pk)
    if request.method == "POST":
        try:
            inscription.decider_rattachement(actor=request.user, rattachement=demande,
                                             valider=request.POST.get("decision") == "valider",
                                             motif=request.POST.get("motif", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Décision enregistrée ; le demandeur en est informé.")
            return redirect("inscriptions:rattachements")
    return render(request, "comptes/rattachement.html", {"title": "Demande de rattachement", "demande": demande})


@login_required
def justificatif(request: HttpRequest, pk: int) -> FileResponse:
    demande = selectors.justificatif(request.user, pk)
    return FileResponse(demande.justificatif.open("rb"), as_attachment=True,
                        filename=(demande.justificatif.name or "justificatif").rsplit("/", 1)[-1])
