"""Computing an aggregate is a fixed handful of aggregate queries, whatever the volume (no query per row); a
page only reads its stored aggregate: the session, the filters, the page frame and one row."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esms.candidatures.models import Membre
from esms.pilotage import agregats, rafraichir
from tests import factories

PAGES = {
    "national": lambda: reverse("pilotage:accueil"),
    "regional": lambda: reverse("pilotage:region", args=["84"]),
    "public": lambda: reverse("statistiques:accueil"),
}
# Queries of one aggregate: every figure of the perimeter (the SONS figures, the budget reconciliation and the
# eligible ESSMS by sector are national only).
MAXIMUM_CALCUL = {None: 32, "84": 26}
# A page: session, user, two-factor device (national administrator), campagnes, regions, the aggregate row and
# what the shared page frame (navigation, notifications) needs.
MAXIMUM_PAGE = 10


def _requetes(fonction) -> int:
    with CaptureQueriesContext(connection) as requetes:
        fonction()
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


def test_computation_query_counts_do_not_grow_with_the_data(jeu):
    avant = {}
    for region, maximum in MAXIMUM_CALCUL.items():
        avant[region] = _requetes(lambda r=region: agregats.donnees_du_perimetre(region=r, campagne=None))
        assert avant[region] <= maximum, (region, avant[region])
    _plus_de_donnees(jeu)
    for region in MAXIMUM_CALCUL:
        assert _requetes(lambda r=region: agregats.donnees_du_perimetre(region=r, campagne=None)) == avant[region]


def test_pages_read_the_stored_aggregate_without_recomputing(client, utilisateurs, jeu):
    rafraichir.recalculer_tout()
    client.force_login(utilisateurs.admin)
    for chemin in PAGES.values():
        n = _requetes(lambda c=chemin: client.get(c()))
        assert n <= MAXIMUM_PAGE, (chemin(), n)
    _plus_de_donnees(jeu)  # written without the services: nothing signalled, the stored figures are shown
    for chemin in PAGES.values():
        assert _requetes(lambda c=chemin: client.get(c())) <= MAXIMUM_PAGE
