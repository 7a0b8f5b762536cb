"""Template context shared by every page: the DSFR site configuration and the navigation of the user's role."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.http import HttpRequest

from esms.comptes.navigation import navigation_for


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
    return {"SITE_CONFIG": config, "navigation": navigation_for(getattr(request, "user", None), request.path)}
