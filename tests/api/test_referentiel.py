"""Contract of the référentiel routes: shapes, filters, pagination, FINESS number validation, public reading
(any role with the scope reads every establishment, whatever its region)."""

from __future__ import annotations

import pytest

from tests.api.conftest import verifier_erreur
from tests.factories import luhn_key

INCONNU = "01999999" + luhn_key("01999999")  # well formed, absent from the test data
MAUVAISE_CLE = INCONNU[:8] + str((int(INCONNU[8]) + 1) % 10)

pytestmark = pytest.mark.django_db

CLES_RESUME = {"finess_et", "finess_ej", "raison_sociale", "categorie", "departement", "region", "commune",
               "secteur", "ouvert"}


@pytest.fixture
def appelant(monde, jeton):
    return jeton(monde.ars_corse, ["referentiel:lire"])


def test_recherche_renvoie_une_page_avec_le_total(monde, appelant):
    corps = appelant.get("/referentiel/etablissements").json()
    assert set(corps) == {"total", "limit", "offset", "items"}
    assert (corps["total"], corps["limit"], corps["offset"]) == (4, 50, 0)
    assert set(corps["items"][0]) == CLES_RESUME
    premier = corps["items"][0]
    assert set(premier["categorie"]) == {"code", "libelle", "eligible", "secteur"}
    assert set(premier["departement"]) == {"code", "nom"}


def test_recherche_paginee(monde, appelant):
    tous = [e["finess_et"] for e in appelant.get("/referentiel/etablissements").json()["items"]]
    page = appelant.get("/referentiel/etablissements", limit=2, offset=1).json()
    assert page["total"] == 4 and [e["finess_et"] for e in page["items"]] == tous[1:3]
    apres = appelant.get("/referentiel/etablissements", offset=10).json()
    assert apres["total"] == 4 and apres["items"] == []


@pytest.mark.parametrize("params, champ", [
    ({"limit": 201}, "query.limit"), ({"limit": 0}, "query.limit"), ({"offset": -1}, "query.offset"),
    ({"limit": "abc"}, "query.limit"), ({"statut": "supprimes"}, "query.statut"),
    ({"secteur": "inconnu"}, "query.secteur"), ({"q": "x" * 101}, "query.q"), ({"q": "a\x00b"}, "query.q"),
    ({"eligibles": "peut-etre"}, "query.eligibles"),
])
def test_parametres_invalides_recoivent_422_localise(params, champ, monde, appelant):
    corps = verifier_erreur(appelant.get("/referentiel/etablissements", **params), 422, "donnees_invalides")
    assert corps["details"][0]["champ"] == champ
    assert champ in corps["message"]


@pytest.mark.parametrize("params, attendus", [
    ({"q": "tilleuls"}, 2), ({"q": "sole 1"}, 1), ({"departement": "2A"}, 2), ({"statut": "fermes"}, 0),
    ({"statut": "tous"}, 4), ({"secteur": "personnes_agees"}, 4), ({"secteur": "domicile"}, 0),
    ({"eligibles": "true"}, 4), ({"categorie": "500"}, 4), ({"categorie": "999"}, 0),
])
def test_filtres_de_recherche(params, attendus, monde, appelant):
    assert appelant.get("/referentiel/etablissements", **params).json()["total"] == attendus


def test_recherche_par_numero(monde, appelant):
    et = monde.ref.et_ara[1]
    items = appelant.get("/referentiel/etablissements", q=et.pk).json()["items"]
    assert [e["finess_et"] for e in items] == [et.pk]


def test_fiche_etablissement(monde, appelant):
    et = monde.ref.et_ara[0]
    corps = appelant.get(f"/referentiel/etablissements/{et.pk}").json()
    assert corps["finess_et"] == et.pk and corps["finess_ej"] == monde.ref.og_ara.pk
    assert corps["organisme"] == {"finess_ej": monde.ref.og_ara.pk, "raison_sociale": "Association de l'Ain"}
    assert corps["region"] == "84" and corps["region_nom"] == "Auvergne-Rhône-Alpes"
    assert corps["secteur"] == "personnes_agees" and corps["ouvert"] is True
    assert {"adresse", "latitude", "longitude", "date_ouverture", "mode_fixation_tarifs"} <= set(corps)


def test_etablissement_inconnu_404(monde, appelant):
    verifier_erreur(appelant.get(f"/referentiel/etablissements/{INCONNU}"), 404, "introuvable")


@pytest.mark.parametrize("numero, extrait", [
    (MAUVAISE_CLE, "clé de contrôle invalide"), ("01000000", "Au moins 9"), ("ABCDEFGHI", "Format invalide"),
    ("990000006", "préfixe départemental"),
])
def test_numero_finess_invalide_422(numero, extrait, monde, appelant):
    corps = verifier_erreur(appelant.get(f"/referentiel/etablissements/{numero}"), 422, "donnees_invalides")
    assert corps["details"][0]["champ"] == "path.finess_et"
    assert extrait in corps["details"][0]["message"]


def test_organisme_avec_ses_etablissements(monde, appelant):
    corps = appelant.get(f"/referentiel/organismes/{monde.ref.og_corse.pk}").json()
    assert corps["finess_ej"] == monde.ref.og_corse.pk
    assert corps["chiffres"] == {"total": 2, "ouverts": 2, "eligibles": 2}
    assert sorted(e["finess_et"] for e in corps["etablissements"]) == sorted(e.pk for e in monde.ref.et_corse)
    assert corps["est_ebauche"] is True


def test_organisme_inconnu_404(monde, appelant):
    verifier_erreur(appelant.get(f"/referentiel/organismes/{INCONNU}"), 404, "introuvable")


def test_regions_et_categories(monde, appelant):
    regions = appelant.get("/referentiel/regions").json()
    assert [r["code"] for r in regions["items"]] == ["84", "94"]
    categories = appelant.get("/referentiel/categories", eligibles="true").json()
    assert [c["code"] for c in categories["items"]] == ["500"]


@pytest.mark.parametrize("role", ["ars_ara", "porteur_corse", "gestionnaire_ara", "editeur_ara"])
def test_le_referentiel_est_public_pour_tout_role(role, monde, jeton):
    """Open data: a user of another region or OG, or a DUI vendor, reads every establishment."""
    appelant = jeton(getattr(monde, role), ["referentiel:lire"])
    assert appelant.get("/referentiel/etablissements").json()["total"] == 4
    assert appelant.get(f"/referentiel/etablissements/{monde.ref.et_corse[1].pk}").status_code == 200
