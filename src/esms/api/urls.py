"""URLs under /api/: the versioned API (/api/v1/…, with its OpenAPI document and docs) and the tokens page.

Whatever goes wrong at the HTTP level under /api/v1/ — an unknown address, a method the route does not
accept — answers the API's JSON error body too, never an HTML or plain-text page.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponseNotAllowed, JsonResponse
from django.urls import include, path, re_path

from esms.api.api import api


def introuvable(request: HttpRequest, reste: str = "") -> JsonResponse:
    return JsonResponse({"code": "introuvable", "message": f"Aucune route de l'API à l'adresse « {request.path} ».",
                         "details": []}, status=404)


def _methode_en_json(vue):
    """Turn ninja's plain-text 405 into the API's error body (keeping the Allow header)."""

    @wraps(vue)
    def enveloppe(request: HttpRequest, *args, **kwargs):
        reponse = vue(request, *args, **kwargs)
        if isinstance(reponse, HttpResponseNotAllowed):
            json = JsonResponse({"code": "methode_non_autorisee", "details": [], "message":
                                 f"Méthode {request.method} non autorisée sur cette adresse "
                                 f"(méthodes acceptées : {reponse['Allow']})."}, status=405)
            json["Allow"] = reponse["Allow"]
            return json
        return reponse

    return enveloppe


motifs_api, app_api, espace_api = api.urls
for motif in motifs_api:
    motif.callback = _methode_en_json(motif.callback)

urlpatterns = [
    path("v1/", (motifs_api, app_api, espace_api)),
    re_path(r"^v1/(?P<reste>.*)$", introuvable),
    path("jetons/", include("esms.api.urls_jetons")),
]
