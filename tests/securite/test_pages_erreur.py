"""Errors answer French DSFR pages (403, 404, 500), never Django's English pages, and never show a server path or
the exception; every page carries a Content-Security-Policy without 'unsafe-inline' (issue 9, point 8)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from esms.comptes.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def _francais(reponse, code: int, titre: str) -> str:
    html = reponse.content.decode()
    assert reponse.status_code == code
    assert '<html lang="fr"' in html and "fr-btn" in html and f"Erreur {code}" in html and titre in html
    for anglais in ("Not Found", "Server Error", "Forbidden", "Traceback", "/srv/", "secret.sqlite3"):
        assert anglais not in html, anglais
    return html


def test_404_d_un_dossier_hors_perimetre(client, ref, make_user, settings):
    settings.DEBUG = False
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara)
    client.force_login(make_user(Role.AGENT_ARS, region="94"))
    html = _francais(client.get(reverse("candidatures:dossier", args=[dossier.pk])), 404, "Page introuvable")
    assert "pas dans votre périmètre" in html and dossier.numero not in html


def test_404_d_une_adresse_inconnue_pour_un_visiteur(client, settings):
    settings.DEBUG = False
    _francais(client.get("/nulle-part/"), 404, "Page introuvable")


def test_403_en_francais(client, ref, make_user, settings):
    settings.DEBUG = False
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    html = _francais(client.get(reverse("comptes:audit")), 403, "Accès refusé")
    assert "pas habilité à consulter le journal d" in html


def test_500_en_francais_sans_la_cause(settings, db):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.securite.urls_erreur"
    reponse = Client(raise_request_exception=False).get("/panne/")
    html = _francais(reponse, 500, "Erreur inattendue")
    assert "dsfr.min.css" in html and "panne simulée" not in html


@pytest.mark.parametrize("adresse", ["/", "/comptes/connexion/", "/statistiques/", "/api/v1/docs", "/nulle-part/"])
def test_chaque_page_porte_une_csp_sans_unsafe_inline(client, adresse):
    politique = client.get(adresse)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in politique.split(";") if d.strip())
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in politique and "unsafe-eval" not in politique
