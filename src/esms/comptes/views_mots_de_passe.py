"""Password reset by e-mail, password change, and the two-factor pages of national administrators."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from esms.comptes import audit, double_facteur
from esms.comptes.forms import ChangementMotDePasseForm, CodeForm, NouveauMotDePasseForm, ReinitialisationForm
from esms.comptes.permissions import require


def delai_lien() -> str:
    heures = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    return "une heure" if heures == 1 else f"{heures} heures"


class ReinitialisationView(auth_views.PasswordResetView):
    """Always the same answer, whether the address has an account or not (no account enumeration)."""

    template_name = "comptes/mdp_oublie.html"
    form_class = ReinitialisationForm
    email_template_name = "comptes/email/reinitialisation.txt"
    html_email_template_name = "comptes/email/reinitialisation.html"
    subject_template_name = "comptes/email/reinitialisation_sujet.txt"
    success_url = reverse_lazy("comptes:mdp_envoye")
    extra_context = {"title": "Mot de passe oublié"}

    def form_valid(self, form):
        self.extra_email_context = {"delai": delai_lien()}
        audit.record(actor=None, action="comptes.reinitialisation_demandee", object_type="comptes.User",
                     object_repr=form.cleaned_data["email"][:300])
        return super().form_valid(form)


class ReinitialisationEnvoyeeView(auth_views.PasswordResetDoneView):
    template_name = "comptes/mdp_envoye.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Vérifiez votre messagerie", delai=delai_lien(), **kwargs)


class NouveauMotDePasseView(auth_views.PasswordResetConfirmView):
    template_name = "comptes/mdp_nouveau.html"
    form_class = NouveauMotDePasseForm
    success_url = reverse_lazy("comptes:mdp_termine")
    extra_context = {"title": "Nouveau mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=form.user, action="comptes.mot_de_passe_reinitialise", obj=form.user)
        return response


class ReinitialisationTermineeView(auth_views.PasswordResetCompleteView):
    template_name = "comptes/mdp_termine.html"
    extra_context = {"title": "Mot de passe modifié"}


class ChangementMotDePasseView(auth_views.PasswordChangeView):
    template_name = "comptes/mdp_changer.html"
    form_class = ChangementMotDePasseForm
    success_url = reverse_lazy("accueil")
    extra_context = {"title": "Changer de mot de passe"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=form.user, action="comptes.mot_de_passe_change", obj=form.user)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


def _suite(request: HttpRequest) -> str:
    cible = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(cible, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return cible
    return reverse("accueil")


@login_required
def otp(request: HttpRequest) -> HttpResponse:
    require(request.user, "comptes.double_facteur")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if double_facteur.verifier(request, form.cleaned_data["code"]):
            return redirect(_suite(request))
        form.add_error("code", "Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant.")
    return render(request, "comptes/otp.html", {
        "title": "Vérification en deux étapes", "form": form, "next": _suite(request),
    })


@login_required
def otp_enrolement(request: HttpRequest) -> HttpResponse:
    require(request.user, "comptes.double_facteur")
    if request.user.is_verified():  # type: ignore[union-attr]  # set by django-otp's middleware
        return redirect("accueil")
    if double_facteur.user_has_device(request.user):
        return redirect("comptes:otp")
    device = double_facteur.appareil_en_attente(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if double_facteur.confirmer_enrolement(request, form.cleaned_data["code"]):
            messages.success(request, "La vérification en deux étapes est activée pour votre compte.")
            return redirect(_suite(request))
        form.add_error("code", "Code incorrect : vérifiez l'heure de votre téléphone et saisissez le code affiché.")
    return render(request, "comptes/otp_enrolement.html", {
        "title": "Activer la vérification en deux étapes", "form": form, "next": _suite(request),
        "cle": double_facteur.cle_base32(device), "qr": double_facteur.qr_svg(device),
    })
