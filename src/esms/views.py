"""Public pages: home, accessibility statement, and the French error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def accueil(request: HttpRequest) -> HttpResponse:
    return render(request, "esms/accueil.html", {"title": "Accueil"})


def accessibilite(request: HttpRequest) -> HttpResponse:
    return render(request, "esms/accessibilite.html", {"title": "Déclaration d'accessibilité"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "Vous n'avez pas accès à cette page."
    return render(request, "403.html", {"title": "Accès refusé", "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {
        "title": "Page introuvable", "message": "La page demandée n'existe pas ou n'est pas dans votre périmètre.",
    }, status=404)
