"""Dashboard pages are a fixed handful of aggregate queries, whatever the volume (no query per row), and the
content is cached: a second view of the same perimeter runs only the session and filter queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esms.candidatures.models import Membre
from tests import factories

PAGES = {
    "national": lambda: reverse("pilotage:accueil"),
    "regional": lambda: reverse("pilotage:region", args=["84"]),
    "public": lambda: reverse("statistiques:accueil"),
}
# Pilotage's own queries (national 16, regional 14, public 13; the SONS section adds 7 nationally — coverage by
# region and by sector, solutions' shares, orders without project — and 4 regionally) plus the session, the user
# and what the shared page frame (navigation, notifications) needs.
# The pages are read by a national administrator: one query of the total loads its two-factor device (django-otp).
MAXIMUM = {"national": 33, "regional": 25, "public": 21}


def _requetes(client, chemin: str) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(chemin).status_code == 200
    return len(requetes)


def _plus_de_donnees(jeu):
    """Twice the dossiers and members in every region."""
    camp = factories.campagne("2024")
    for region, dep, og in ((jeu.ref.ara, jeu.ref.ain, jeu.ref.og_ara), (jeu.idf, jeu.paris, jeu.og_idf),
                            (jeu.ref.corse, jeu.ref.csud, jeu.ref.og_corse)):
        for etat in ("retenu", "en_instruction", "conventionne"):
            dossier = factories.dossier_depose(og, region=region, etat=etat, camp=camp)
            for et in factories.etablissements(dep, og, 5, nom=f"NOUVEAU {etat}"):
                Membre.objects.create(grappe=dossier.grappe, etablissement=et)


def test_query_counts_do_not_grow_with_the_data(client, utilisateurs, jeu):
    from django.core.cache import cache

    client.force_login(utilisateurs.admin)
    avant = {}
    for nom, chemin in PAGES.items():
        avant[nom] = _requetes(client, chemin())
        assert avant[nom] <= MAXIMUM[nom], (nom, avant[nom])
    _plus_de_donnees(jeu)
    cache.clear()
    for nom, chemin in PAGES.items():
        assert _requetes(client, chemin()) == avant[nom], nom


def test_cached_pages_run_only_session_and_filter_queries(client, utilisateurs, jeu):
    client.force_login(utilisateurs.admin)
    for chemin in PAGES.values():
        froid = _requetes(client, chemin())
        chaud = _requetes(client, chemin())
        assert chaud <= 7 and chaud <= froid - 10, (chemin, froid, chaud)
