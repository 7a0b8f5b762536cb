"""The « Jetons d'API » page: a user lists, creates (the secret is shown once) and revokes their own tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from esms.api import selectors, services
from esms.api.forms import CreationJetonForm
from esms.api.portees import PORTEES
from esms.comptes.permissions import compte_de, require


def _page(request: HttpRequest, form: CreationJetonForm, *, chaine: str = "", status: int = 200) -> HttpResponse:
    return render(request, "api/jetons.html", {
        "title": "Jetons d'API", "form": form, "chaine": chaine, "portees": PORTEES,
        "jetons": selectors.jetons_de(actor=request.user),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def jetons(request: HttpRequest) -> HttpResponse:
    require(request.user, "api.jetons")
    if request.method == "GET":
        # Shown once: the secret travels in the session only until this page is displayed after creation.
        return _page(request, CreationJetonForm(utilisateur=request.user), chaine=request.session.pop("jeton_cree", ""))
    form = CreationJetonForm(request.POST, utilisateur=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _, chaine = services.creer_jeton(actor=request.user, utilisateur=compte_de(request.user),
                                         nom=form.cleaned_data["nom"], portees=form.cleaned_data["portees"],
                                         expire_le=form.expire_le())
    except ValidationError as exc:
        for champ, erreurs in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
        return _page(request, form, status=400)
    messages.success(request, "Jeton créé. Copiez-le maintenant : il ne sera plus jamais affiché.")
    request.session["jeton_cree"] = chaine
    return redirect("jetons:liste")  # reloading the page cannot create a second token


@login_required
@require_POST
def revoquer(request: HttpRequest, pk: int) -> HttpResponse:
    jeton = get_object_or_404(selectors.jetons_de(actor=request.user), pk=pk)
    try:
        services.revoquer_jeton(actor=request.user, jeton=jeton)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Le jeton « {jeton.nom} » est révoqué : il ne fonctionne plus.")
    return redirect("jetons:liste")
