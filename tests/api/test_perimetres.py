"""The scope matrix: every route called on Auvergne-Rhône-Alpes objects by a user of another region (ARS agent of
Corse), of another organisme (porteur of Corse) and by a DUI vendor authorised by one ARA establishment only,
each with a token holding every scope its role may have. The référentiel is open data; everything else stays
inside the caller's scope."""

from __future__ import annotations

import json

import pytest

from esms.comptes.models import Role
from tests.api.conftest import verifier_erreur
from tests.api.routes import ROUTES

pytestmark = pytest.mark.django_db

ACTEURS = ("ars_corse", "porteur_corse", "editeur_ara")
OK = (200, None)
PORTEE = (403, "portee_insuffisante")  # the role cannot hold the route's scope
INTROUVABLE = (404, "introuvable")
HORS = (403, "hors_perimetre")

# Route → (address on ARA objects, expected answer per caller). Lists answer 200: their content is checked in
# the domain tests (test_dossiers, test_enveloppes, test_moi).
MATRICE = {
    "GET /moi": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /moi/etablissements": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /referentiel/etablissements": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /referentiel/etablissements/{finess_et}": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /referentiel/organismes/{finess_ej}": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /referentiel/regions": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /referentiel/categories": (None, dict.fromkeys(ACTEURS, OK)),
    "GET /dossiers": (None, {"ars_corse": OK, "porteur_corse": OK, "editeur_ara": PORTEE}),
    "GET /dossiers/{dossier_id}": (None, {"ars_corse": INTROUVABLE, "porteur_corse": INTROUVABLE,
                                          "editeur_ara": PORTEE}),
    "GET /enveloppes": (None, {"ars_corse": OK, "porteur_corse": PORTEE, "editeur_ara": PORTEE}),
    "GET /enveloppes/{enveloppe_id}": (None, {"ars_corse": INTROUVABLE, "porteur_corse": PORTEE,
                                              "editeur_ara": PORTEE}),
    # Vendor routes, with a valid body on an ARA establishment the vendor did not get (et_ara[1]).
    "POST /usages/indicateurs": (None, {"ars_corse": PORTEE, "porteur_corse": HORS, "editeur_ara": HORS}),
    "POST /usages/preuves": (None, {"ars_corse": PORTEE, "porteur_corse": HORS, "editeur_ara": HORS}),
    "GET /sons/commandes": (None, dict.fromkeys(ACTEURS, OK)),
    # A vendor's own solution, on an ARA establishment it was not authorised for (et_ara[1]).
    "POST /sons/commandes": (None, {"ars_corse": PORTEE, "porteur_corse": PORTEE, "editeur_ara": HORS}),
    **{f"GET /pilotage/{nom}": (f"/pilotage/{nom}?region=84", {"ars_corse": INTROUVABLE, "porteur_corse": PORTEE,
                                                               "editeur_ara": PORTEE})
       for nom in ("indicateurs", "couverture", "enveloppes", "dossiers", "evolution", "secteurs", "dui-actifs")},
}


def test_la_matrice_couvre_chaque_route():
    assert set(MATRICE) == {str(r) for r in ROUTES}


def _appeler(appelant, route, adresse: str, monde):
    if route.gabarit == "/usages/indicateurs":
        corps = {"finess_et": monde.ref.et_ara[1].pk, "debut": "2024-10-01", "fin": "2024-12-31", "dui_actifs": 3}
        return appelant.post(adresse, json.dumps(corps), content_type="application/json")
    if route.gabarit == "/usages/preuves":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return appelant.post(adresse, {"finess_et": monde.ref.et_ara[1].pk, "debut": "2024-10-01",
                                       "fin": "2024-12-31", "fichier": SimpleUploadedFile("e.csv", b"x")})
    if route.gabarit == "/sons/commandes" and route.methode == "POST":
        from tests.referencement.monde import solution_de

        corps = {"finess_et": monde.ref.et_ara[1].pk, "solution_id": solution_de(monde.editeur_ara).pk, "vague": 1,
                 "date_commande": "2023-10-02", "statut": "commande"}
        return appelant.post(adresse, json.dumps(corps), content_type="application/json")
    return appelant.requete(route.methode, adresse)


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("acteur", ACTEURS)
def test_perimetre_de_chaque_route(route, acteur, monde, jeton):
    adresse, attendus = MATRICE[str(route)]
    utilisateur = getattr(monde, acteur)
    assert utilisateur.role in (Role.AGENT_ARS, Role.RESPONSABLE_OG, Role.EDITEUR)
    reponse = _appeler(jeton(utilisateur), route, adresse or route.adresse(monde), monde)
    statut, code = attendus[acteur]
    if code is None:
        assert reponse.status_code == statut, reponse.content
    else:
        verifier_erreur(reponse, statut, code)
