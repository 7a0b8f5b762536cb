"""Login, logout and the audit trail pages."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from esms.comptes import journal, proconnect, selectors, services
from esms.comptes.forms import LoginForm
from esms.comptes.requetes import RequeteConnectee
from esms.exports import FORMATS, reponse_tableau


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


def _date(texte: str) -> date:
    """A date typed as the date field sends it (AAAA-MM-JJ) or as shown in French (JJ/MM/AAAA)."""
    try:
        return date.fromisoformat(texte)
    except ValueError:
        return datetime.strptime(texte, "%d/%m/%Y").date()


def _filtres_audit(request: HttpRequest) -> tuple[dict, list[str]]:
    """The audit filters from the query string, and a French error for each malformed date."""
    filtres: dict = {cle: request.GET.get(cle, "").strip() for cle in ("q", "action", "acteur", "objet")}
    erreurs = []
    for cle, libelle in (("debut", "Du"), ("fin", "Au")):
        texte = request.GET.get(cle, "").strip()
        try:
            filtres[cle] = _date(texte) if texte else None
        except ValueError:
            filtres[cle] = None
            erreurs.append(f"Période, champ « {libelle} » : date attendue au format JJ/MM/AAAA, reçu « {texte} ».")
    return filtres, erreurs


@login_required
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    filtres, erreurs = _filtres_audit(request)
    events = selectors.audit_events(actor=request.user, **filtres)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    lignes = [{"e": e, "action": journal.libelle_action(e.action), "objet": journal.libelle_objet(e.object_type),
               "changements": journal.changements(e)} for e in page]
    requete = request.GET.copy()
    requete.pop("page", None)
    return render(request, "comptes/audit.html", {
        "title": "Journal d'audit", "page_obj": page, "lignes": lignes, "filtres": filtres, "erreurs": erreurs,
        "actions": [(a, journal.libelle_action(a)) for a in selectors.audit_actions()],
        "objets": [(o, journal.libelle_objet(o)) for o in selectors.audit_types_objet()],
        "requete": requete.urlencode(), "formats": FORMATS,
    })


@login_required
@require_GET
def audit_export(request: HttpRequest, format: str) -> HttpResponse:
    """The filtered trail in CSV, XLSX or ODS: labels and readable changes, never raw dictionaries."""
    filtres, _ = _filtres_audit(request)
    events = selectors.audit_events(actor=request.user, **filtres)
    return reponse_tableau(nom=f"journal-audit-{timezone.localdate():%Y-%m-%d}", entetes=journal.ENTETES_EXPORT,
                           lignes=journal.lignes_export(events), format=format, titre="Journal d'audit")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "comptes/notifications.html", {"title": "Notifications", "page_obj": page})


@login_required
@require_POST
def notifications_lues(request: RequeteConnectee) -> HttpResponse:
    services.marquer_notifications_lues(user=request.user)
    return redirect("comptes:notifications")
