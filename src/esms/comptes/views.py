"""Login, logout and the audit trail pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms.comptes import proconnect, selectors, services
from esms.comptes.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "comptes/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Se connecter", proconnect=proconnect.actif(), **kwargs)


class LogoutView(auth_views.LogoutView):
    """Logs out here, then at ProConnect when the session came from it."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and proconnect.actif() and settings.OIDC_OP_LOGOUT_ENDPOINT:
            return redirect(proconnect.url_deconnexion(request, id_token))
        return response


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    action = request.GET.get("action", "").strip()
    events = selectors.audit_events(actor=request.user, q=q, action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "comptes/audit.html", {
        "title": "Journal d'audit", "page_obj": page, "q": q, "action": action,
        "actions": selectors.audit_actions(),
    })


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "comptes/notifications.html", {"title": "Notifications", "page_obj": page})


@login_required
@require_POST
def notifications_lues(request: HttpRequest) -> HttpResponse:
    services.marquer_notifications_lues(user=request.user)
    return redirect("comptes:notifications")
