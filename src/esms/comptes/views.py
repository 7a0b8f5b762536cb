"""Login, logout and the audit trail pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esms.comptes import selectors, services
from esms.comptes.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "comptes/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "Se connecter"}


class LogoutView(auth_views.LogoutView):
    pass


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
