"""Self-service pages: sign-up, address verification, claims, invitations, deactivation of one's account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms.comptes.models import Rattachement
from esms.comptes.permissions import require
from esms.formulaires import FormulaireDsfr as DsfrBaseForm
from esms.inscriptions import services as inscription
from esms.televersements import genre_televersement, refus_de_la_requete


class InscriptionForm(DsfrBaseForm):
    email = forms.EmailField(label="Adresse électronique professionnelle")
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    mot_de_passe = forms.CharField(label="Mot de passe", widget=forms.PasswordInput,
                                   help_text="12 caractères au moins, pas uniquement des chiffres.")


class InvitationForm(DsfrBaseForm):
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    mot_de_passe = forms.CharField(label="Mot de passe", widget=forms.PasswordInput,
                                   help_text="12 caractères au moins, pas uniquement des chiffres.")


class RattachementForm(DsfrBaseForm):
    type = forms.ChoiceField(label="Je demande à représenter", choices=Rattachement.Type.choices,
                             widget=forms.RadioSelect)
    organisme = forms.CharField(label="Numéro FINESS juridique (EJ) de l'organisme", max_length=9, required=False)
    etablissements = forms.CharField(label="Numéros FINESS géographiques (ET)", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}), help_text="Un numéro par ligne.")
    fonction = forms.CharField(label="Votre fonction dans l'organisme", max_length=200)
    justificatif = forms.FileField(label="Justificatif (PDF, PNG ou JPEG)",
                                   help_text="Délégation de signature, extrait de délibération, attestation de "
                                             "l'employeur…")


def _erreurs(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for champ, erreurs in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, exc.messages)


def inscription_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("comptes:mon_compte")
    form = InscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inscription.inscrire(**form.cleaned_data)
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            return render(request, "comptes/inscription_envoyee.html", {
                "title": "Vérifiez votre messagerie", "email": form.cleaned_data["email"]})
    return render(request, "comptes/inscription.html", {"title": "Créer un compte", "form": form})


def verification(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        inscription.verifier_email(jeton=jeton)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Votre adresse est vérifiée : connectez-vous, puis demandez votre rattachement.")
    return redirect("comptes:login")


@login_required
@genre_televersement("justificatifs")
def rattachement_nouveau(request: HttpRequest) -> HttpResponse:
    require(request.user, "comptes.rattacher")
    form = RattachementForm(request.POST or None, request.FILES or None)  # reads the body: the upload limit applies
    if refus := refus_de_la_requete(request):
        form.is_valid()
        form.add_error("justificatif", refus.messages)
    elif request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            inscription.demander_rattachement(
                actor=request.user, type=donnees["type"], fonction=donnees["fonction"],
                justificatif=donnees["justificatif"], organisme=donnees["organisme"],
                etablissements=donnees["etablissements"].split())
        except ValidationError as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, "Votre demande est transmise à l'ARS de la région, qui la validera.")
            return redirect("comptes:mon_compte")
    return render(request, "comptes/rattachement_nouveau.html", {"title": "Demander un rattachement", "form": form})


def invitation(request: HttpRequest, jeton: str) -> HttpResponse:
    try:
        invit = inscription.invitation_valide(jeton)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accueil")
    form = None if request.user.is_authenticated else InvitationForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if form is None:
                inscription.accepter_invitation(jeton=jeton, user=request.user)
            else:
                inscription.accepter_invitation(jeton=jeton, **form.cleaned_data)
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
            else:
                _erreurs(form, exc)
        else:
            messages.success(request, f"Vous représentez désormais {invit.organisme}.")
            return redirect("comptes:mon_compte" if form is None else "comptes:login")
    autre_compte = request.user.is_authenticated and request.user.email.lower() != invit.email
    return render(request, "comptes/invitation.html", {"title": "Invitation", "invitation": invit, "form": form,
                                                       "autre_compte": autre_compte})


@login_required
@require_POST
def inviter(request: HttpRequest) -> HttpResponse:
    try:
        invit = inscription.inviter(actor=request.user, organisme=request.POST.get("organisme", ""),
                                    email=request.POST.get("email", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Invitation envoyée à {invit.email}.")
    return redirect("comptes:mon_compte")


@login_required
@require_POST
def desactiver_mon_compte(request: HttpRequest) -> HttpResponse:
    inscription.changer_activation(actor=request.user, user=request.user, actif=False,
                                   motif="désactivé par son titulaire")
    logout(request)
    messages.success(request, "Votre compte est désactivé.")
    return redirect("accueil")
