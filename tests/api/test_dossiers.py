"""Contract and scope of the dossier routes: each caller lists and reads only the dossiers of its scope
(region, organismes, establishments); elsewhere a dossier does not exist (404)."""

from __future__ import annotations

import pytest

from esms.api.models import JetonAPI
from esms.candidatures.models import Annotation
from tests import factories
from tests.api.conftest import verifier_erreur

pytestmark = pytest.mark.django_db


def _numeros(appelant, **params) -> set[str]:
    corps = appelant.get("/dossiers", **params).json()
    assert corps["total"] == len(corps["items"])
    return {d["id"] for d in corps["items"]}


@pytest.mark.parametrize("role, visibles, hors_perimetre", [
    ("admin", ["dossier_ara", "dossier_corse"], []),
    ("ars_ara", ["dossier_ara"], ["dossier_corse"]),
    ("ars_corse", ["dossier_corse"], ["dossier_ara", "brouillon_ara"]),
    ("porteur_ara", ["dossier_ara", "brouillon_ara"], ["dossier_corse"]),
    ("porteur_corse", ["dossier_corse"], ["dossier_ara", "brouillon_ara"]),
    ("gestionnaire_ara", ["dossier_ara"], ["dossier_corse", "brouillon_ara"]),
])
def test_chacun_ne_voit_que_son_perimetre(role, visibles, hors_perimetre, monde, jeton):
    """The list is the instruction queue of the web pages (instructors do not see brouillons in it); outside the
    scope a dossier does not exist (404, never 403: its existence is not revealed)."""
    appelant = jeton(getattr(monde, role), ["dossiers:lire"])
    assert _numeros(appelant) == {getattr(monde, nom).pk for nom in visibles}
    for nom in visibles:
        assert appelant.get(f"/dossiers/{getattr(monde, nom).pk}").status_code == 200
    for nom in hors_perimetre:
        verifier_erreur(appelant.get(f"/dossiers/{getattr(monde, nom).pk}"), 404, "introuvable")


def test_un_editeur_ne_lit_pas_les_dossiers(monde, jeton):
    """A DUI vendor's role cannot read dossiers, even with a token holding the scope (forced in the database)."""
    appelant = jeton(monde.editeur_ara, ["referentiel:lire"])
    JetonAPI.objects.update(portees=["dossiers:lire"])
    verifier_erreur(appelant.get("/dossiers"), 403, "non_habilite")
    verifier_erreur(appelant.get(f"/dossiers/{monde.dossier_ara.pk}"), 403, "non_habilite")


def test_forme_d_une_ligne(monde, jeton):
    corps = jeton(monde.ars_ara, ["dossiers:lire"]).get("/dossiers").json()
    ligne = corps["items"][0]
    assert set(ligne) == {"id", "numero", "etat", "appel", "campagne", "grappe", "porteur", "region_pilote",
                          "montant_demande", "montant_retenu", "depose_le", "decide_le", "modifie_le", "nb_membres"}
    assert ligne["etat"] == {"code": "en_instruction", "libelle": "En instruction"}
    assert ligne["porteur"]["finess_ej"] == monde.ref.og_ara.pk
    assert (ligne["campagne"], ligne["region_pilote"], ligne["nb_membres"]) == ("2024", "84", 1)


def test_detail_sans_annotations_privees(monde, jeton):
    Annotation.objects.create(dossier=monde.dossier_ara, auteur=monde.ars_ara, texte="Note privée de l'ARS")
    reponse = jeton(monde.porteur_ara, ["dossiers:lire"]).get(f"/dossiers/{monde.dossier_ara.pk}")
    corps = reponse.json()
    assert "Note privée" not in reponse.content.decode()
    assert [m["finess_et"] for m in corps["membres"]] == [monde.ref.et_ara[0].pk]
    assert corps["regions"] == ["84"] and corps["convention"] is None and corps["versements"] == []
    # Not filed through the services: no frozen verdict, so the rules evaluate the grappe now (when they can).
    assert (corps["verdict"] is None and corps["verdict_indisponible"]) or corps["verdict"]["fige"] is False
    assert {"historique", "solution_dui", "motif_decision"} <= set(corps)


def test_verdict_fige_au_depot(monde, jeton):
    monde.dossier_ara.verdict = {"eligible": True, "appel": "regional", "region_pilote": "84",
                                 "financement": {"total": 135_000}, "motifs": [
                                     {"rule": "grappe.taille", "ok": True, "bloquant": True, "message": "15 ESSMS."}]}
    monde.dossier_ara.save()
    verdict = jeton(monde.ars_ara, ["dossiers:lire"]).get(f"/dossiers/{monde.dossier_ara.pk}").json()["verdict"]
    assert verdict["fige"] is True and verdict["montant_total"] == 135_000
    assert verdict["motifs"] == [{"regle": "grappe.taille", "ok": True, "bloquant": True, "message": "15 ESSMS.",
                                  "finess_et": None}]


@pytest.mark.parametrize("params, attendus", [
    ({"region": "94"}, ["dossier_corse"]), ({"etat": "retenu"}, []), ({"appel": "regional"},
                                                                     ["dossier_ara", "dossier_corse"]),
    ({"campagne": "2023"}, []), ({"q": "inexistant"}, []),
])
def test_filtres(params, attendus, monde, jeton):
    appelant = jeton(monde.admin, ["dossiers:lire"])
    assert _numeros(appelant, **params) == {getattr(monde, nom).pk for nom in attendus}


def test_filtre_par_numero_et_par_membre(monde, jeton):
    appelant = jeton(monde.admin, ["dossiers:lire"])
    assert _numeros(appelant, q=monde.dossier_corse.numero) == {monde.dossier_corse.pk}
    assert _numeros(appelant, q=monde.ref.et_ara[0].pk) == {monde.dossier_ara.pk}


def test_pagination_et_tri(monde, jeton):
    appelant = jeton(monde.admin, ["dossiers:lire"])
    page = appelant.get("/dossiers", limit=1, tri="montant").json()
    assert page["total"] == 2 and [d["id"] for d in page["items"]] == [monde.dossier_corse.pk]


@pytest.mark.parametrize("params, champ", [({"etat": "perdu"}, "query.etat"), ({"tri": "hasard"}, "query.tri"),
                                           ({"appel": "europeen"}, "query.appel")])
def test_filtres_invalides_422(params, champ, monde, jeton):
    corps = verifier_erreur(jeton(monde.admin, ["dossiers:lire"]).get("/dossiers", **params), 422,
                            "donnees_invalides")
    assert corps["details"][0]["champ"] == champ


@pytest.mark.parametrize("identifiant", ["0", "-3", "abc", str(2**63)])
def test_identifiant_invalide_422(identifiant, monde, jeton):
    verifier_erreur(jeton(monde.admin, ["dossiers:lire"]).get(f"/dossiers/{identifiant}"), 422, "donnees_invalides")


def test_dossier_inexistant_404(monde, jeton):
    verifier_erreur(jeton(monde.admin, ["dossiers:lire"]).get("/dossiers/999999"), 404, "introuvable")


def test_le_detail_lit_les_commandes_sons_une_fois_pour_tous_les_membres(monde, jeton):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from esms.candidatures.models import Membre

    appelant = jeton(monde.ars_ara, ["dossiers:lire"])
    url = f"/dossiers/{monde.dossier_ara.pk}"
    autres = factories.etablissements(monde.ref.et_ara[0].departement, monde.ref.og_ara, 4, nom="SSIAD")
    Membre.objects.create(grappe=monde.dossier_ara.grappe, etablissement=autres[0])
    with CaptureQueriesContext(connection) as deux_membres:
        assert len(appelant.get(url).json()["membres"]) == 2
    for et in autres[1:]:
        Membre.objects.create(grappe=monde.dossier_ara.grappe, etablissement=et)
    with CaptureQueriesContext(connection) as cinq_membres:
        corps = appelant.get(url).json()
    assert len(corps["membres"]) == 5 and all(isinstance(m["sons_eligible"], bool) for m in corps["membres"])
    assert len(cinq_membres) <= len(deux_membres)  # (the first call also records the token's last use)


def test_detail_donne_l_instructeur_attribue(monde, jeton):
    from esms.candidatures import affectation

    appelant = jeton(monde.ars_ara, ["dossiers:lire"])
    assert appelant.get(f"/dossiers/{monde.dossier_ara.pk}").json()["instructeur"] is None
    affectation.attribuer(actor=monde.ars_ara, dossier=monde.dossier_ara, instructeur=monde.ars_ara)
    assert appelant.get(f"/dossiers/{monde.dossier_ara.pk}").json()["instructeur"] == str(monde.ars_ara)
