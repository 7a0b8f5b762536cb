"""Exception handlers of the API: every refusal becomes the French error body of `erreurs.py`.

Service refusals (`esms.refus.Refus`) keep their French messages and are sorted by their stable code; ninja's and pydantic's English ones are replaced; an unexpected
exception is logged and answered as `erreur_interne` without leaking anything.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from esms.api import traduction
from esms.api.erreurs import ErreurAPI
from esms.comptes import securite
from esms.refus import CODES_FICHIER, Refus, messages_de
from esms.rules.erreurs import ErreursLocalisees

logger = logging.getLogger("esms.api")

_MESSAGES_HTTP = {
    400: ("requete_illisible", "Requête illisible : le corps doit être un JSON valide."),
    401: ("non_authentifie", "Authentification requise : envoyez l'en-tête « Authorization: Bearer esms_… »."),
    403: ("non_habilite", "Action non autorisée."),
    404: ("introuvable", "Ressource introuvable."),
    405: ("methode_non_autorisee", "Méthode HTTP non autorisée sur cette adresse."),
    409: ("conflit", "La ressource est dans un état qui ne permet pas cette action."),
    422: ("donnees_invalides", "Données invalides."),
    429: ("trop_de_requetes", "Trop de requêtes : réessayez plus tard."),
}


def reponse(api: NinjaAPI, request: HttpRequest, erreur: ErreurAPI) -> HttpResponse:
    response = api.create_response(request, erreur.corps(), status=erreur.statut)
    if erreur.statut == 401:
        response["WWW-Authenticate"] = 'Bearer realm="esms"'
    return response


def _details_django(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [{"champ": "" if champ == "__all__" else champ, "code": "invalide", "message": message}
                for champ, erreurs in exc.message_dict.items() for message in erreurs]
    return [{"champ": None, "code": "invalide", "message": message} for message in exc.messages]


def _refus(refus: Refus) -> ErreurAPI:
    """The API error of a service refusal, from its stable code (never from its French text)."""
    messages = refus.messages
    if refus.de_permission:  # 403 `non_habilite` (role) or `hors_perimetre` (scope)
        return ErreurAPI(refus.code, " ".join(messages) or "Action non autorisée.")
    if refus.code in CODES_FICHIER:  # a bad file: every located problem (line, column) in `details`
        return ErreurAPI("donnees_invalides", " ".join(messages),
                         [{"champ": refus.champ or "fichier", "code": "fichier_invalide", "message": m}
                          for m in messages])
    return ErreurAPI("refus_metier", " ".join(messages),
                     [{"champ": refus.champ, "code": "refus_metier", "message": m} for m in messages])


def traduire(exc: Exception) -> ErreurAPI | None:
    """The API error of a known exception, None for an unexpected one."""
    if isinstance(exc, ErreurAPI):
        return exc
    if isinstance(exc, NinjaValidationError):
        details = traduction.details(exc.errors)
        return ErreurAPI("donnees_invalides", traduction.resume(details), details)
    if isinstance(exc, HttpError):
        code, defaut = _MESSAGES_HTTP.get(exc.status_code, ("requete_illisible", "Requête refusée."))
        if isinstance(exc, AuthenticationError | AuthorizationError | Throttled) or exc.status_code == 400:
            return ErreurAPI(code, defaut)
        return ErreurAPI(code, exc.message or defaut)
    if isinstance(exc, Http404):
        return ErreurAPI("introuvable", "Aucune ressource correspondante dans votre périmètre.")
    if isinstance(exc, Refus):
        return _refus(exc)
    if isinstance(exc, PermissionDenied):  # raised outside the services (Django, a library): a role refusal
        return ErreurAPI("non_habilite", str(exc) or "Action non autorisée.")
    if isinstance(exc, DjangoValidationError):
        details = _details_django(exc)
        return ErreurAPI("donnees_invalides", " ".join(d["message"] for d in details) or "Données invalides.",
                         details)
    if isinstance(exc, ErreursLocalisees):
        messages = messages_de(exc)
        return ErreurAPI("refus_metier", " ".join(messages),
                         [{"champ": None, "code": "refus_metier", "message": m} for m in messages])
    return None


def installer(api: NinjaAPI) -> None:
    """Register one handler for every exception (ninja looks handlers up along the exception's MRO)."""

    def gerer(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        if isinstance(exc, type):  # ninja's signature allows a class; it always passes the raised instance
            exc = exc()
        erreur = traduire(exc)
        if erreur is not None and erreur.code in ("non_habilite", "hors_perimetre", "portee_insuffisante"):
            securite.enregistrer_refus(request, exc)
        if erreur is None:
            logger.exception("Erreur inattendue de l'API sur %s %s", request.method, request.path, exc_info=exc)
            erreur = ErreurAPI("erreur_interne", "Erreur interne du serveur : elle a été consignée.")
        return reponse(api, request, erreur)

    # ninja's own handlers of these classes would be found before a handler of Exception: replace them too.
    for classe in (Exception, Http404, HttpError, NinjaValidationError):
        api.add_exception_handler(classe, gerer)
