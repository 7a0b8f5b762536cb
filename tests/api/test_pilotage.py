"""Dashboard data routes: national administrators read France or any region, ARS agents their region only
(another region: 404); each answer states its perimeter; roles without the dashboards are refused."""

from __future__ import annotations

import pytest

from esms.api.models import JetonAPI
from esms.candidatures.models import Dossier
from tests.api.conftest import verifier_erreur

pytestmark = pytest.mark.django_db

ROUTES = ["indicateurs", "couverture", "enveloppes", "dossiers", "evolution", "secteurs", "dui-actifs"]


@pytest.fixture
def retenu(monde):
    """The ARA dossier is retained (its member counts as embarked)."""
    Dossier.objects.filter(pk=monde.dossier_ara.pk).update(etat="retenu", montant_retenu=100_000)
    return monde


@pytest.mark.parametrize("nom", ROUTES)
def test_perimetre_par_defaut(nom, monde, jeton):
    national = jeton(monde.admin, ["pilotage:lire"]).get(f"/pilotage/{nom}").json()
    assert national["perimetre"] == {"region": None, "campagne": None} and national["calcule_le"]
    regional = jeton(monde.ars_ara, ["pilotage:lire"]).get(f"/pilotage/{nom}", campagne="2024").json()
    assert regional["perimetre"] == {"region": "84", "campagne": "2024"}


@pytest.mark.parametrize("nom", ROUTES)
def test_un_agent_ars_ne_lit_pas_une_autre_region(nom, monde, jeton):
    appelant = jeton(monde.ars_ara, ["pilotage:lire"])
    verifier_erreur(appelant.get(f"/pilotage/{nom}", region="94"), 404, "introuvable")
    assert appelant.get(f"/pilotage/{nom}", region="84").status_code == 200


@pytest.mark.parametrize("role", ["porteur_ara", "gestionnaire_ara", "editeur_ara"])
def test_roles_sans_tableau_de_bord(role, monde, jeton):
    appelant = jeton(getattr(monde, role), ["referentiel:lire"])
    JetonAPI.objects.update(portees=["pilotage:lire"])
    for nom in ROUTES:
        verifier_erreur(appelant.get(f"/pilotage/{nom}"), 403, "non_habilite")


def test_indicateurs(retenu, jeton):
    corps = jeton(retenu.admin, ["pilotage:lire"]).get("/pilotage/indicateurs").json()["indicateurs"]
    assert corps["etablissements_embarques"] == 1 and corps["dossiers"] == 1 and corps["montant_retenu"] == 100_000
    assert corps["cible_etablissements"] == 36_500 and set(corps["dui"]) >= {"disponible", "cible", "taux"}
    corse = jeton(retenu.admin, ["pilotage:lire"]).get("/pilotage/indicateurs", region="94").json()
    assert corse["indicateurs"]["etablissements_embarques"] == 0


def test_couverture_par_region_et_departement(retenu, jeton):
    appelant = jeton(retenu.admin, ["pilotage:lire"])
    regions = appelant.get("/pilotage/couverture").json()
    assert regions["par"] == "region"
    ara = next(ligne for ligne in regions["lignes"] if ligne["code"] == "84")
    assert (ara["eligibles"], ara["embarques"], ara["taux"], ara["dossiers_retenus"]) == (2, 1, 50.0, 1)
    departements = appelant.get("/pilotage/couverture", par="departement", region="84").json()
    assert [d["code"] for d in departements["lignes"]] == ["01"]
    verifier_erreur(appelant.get("/pilotage/couverture", par="commune"), 422, "donnees_invalides")


def test_enveloppes_dossiers_et_dui(retenu, jeton):
    appelant = jeton(retenu.ars_ara, ["pilotage:lire"])
    enveloppes = appelant.get("/pilotage/enveloppes").json()["lignes"]
    assert [(e["region"], e["dotation"]) for e in enveloppes] == [("84", 1_000_000)]
    etats = {ligne["etat"]: ligne["total"] for ligne in appelant.get("/pilotage/dossiers").json()["lignes"]}
    assert etats["retenu"] == 1 and "brouillon" not in etats
    dui = appelant.get("/pilotage/dui-actifs", par="secteur").json()
    assert dui["par"] == "secteur" and isinstance(dui["lignes"], list)
