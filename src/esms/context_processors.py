"""Template context shared by every page: the DSFR site configuration and the navigation of the user's role."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest

from esms.comptes.navigation import navigation_for
from esms.comptes.selectors import nb_notifications_non_lues


def site(request: HttpRequest) -> dict:
    config = SimpleNamespace(
        site_title=settings.SITE_TITLE,
        site_tagline=settings.SITE_TAGLINE,
        header_brand_html="République<br />Française",
        footer_brand_html="République<br />Française",
        beta_tag=True,
        mourning=False,
        notice_title="",
        notice_description="",
        footer_description="Plateforme ouverte du programme ESMS numérique (Ségur du numérique en santé).",
        accessibility_status="PART",
    )
    user = getattr(request, "user", None)
    return {"SITE_CONFIG": config, "navigation": navigation_for(user, request.path),
            "notifications_non_lues": nb_notifications_non_lues(user)}
