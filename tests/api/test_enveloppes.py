"""Contract and scope of the envelope routes: balances from the ledger, ARS agents limited to their region,
roles without `enveloppes.consulter` refused."""

from __future__ import annotations

import pytest

from esms.api.models import JetonAPI
from esms.comptes.models import Role
from tests.api.conftest import verifier_erreur

pytestmark = pytest.mark.django_db


def test_agent_ars_ne_voit_que_sa_region(monde, jeton):
    appelant = jeton(monde.ars_ara, ["enveloppes:lire"])
    corps = appelant.get("/enveloppes").json()
    assert corps["total"] == 1
    enveloppe = corps["items"][0]
    assert set(enveloppe) == {"id", "libelle", "campagne", "region", "dotation", "engage", "disponible"}
    assert enveloppe["region"] == {"code": "84", "libelle": "Auvergne-Rhône-Alpes"}
    assert (enveloppe["dotation"], enveloppe["engage"], enveloppe["disponible"]) == (1_000_000, 0, 1_000_000)
    assert appelant.get(f"/enveloppes/{monde.env_ara.pk}").json() == enveloppe
    verifier_erreur(appelant.get(f"/enveloppes/{monde.env_corse.pk}"), 404, "introuvable")


def test_administrateur_voit_tout_et_filtre_par_campagne(monde, jeton):
    appelant = jeton(monde.admin, ["enveloppes:lire"])
    assert appelant.get("/enveloppes").json()["total"] == 2
    assert appelant.get("/enveloppes", campagne="2023").json()["total"] == 0


@pytest.mark.parametrize("role", ["porteur_ara", "gestionnaire_ara", "editeur_ara"])
def test_roles_sans_enveloppes(role, monde, jeton):
    """These roles cannot get the scope, and a token forced to hold it is still refused by the permission layer."""
    appelant = jeton(getattr(monde, role), ["referentiel:lire"])
    JetonAPI.objects.update(portees=["enveloppes:lire"])
    verifier_erreur(appelant.get("/enveloppes"), 403, "non_habilite")
    verifier_erreur(appelant.get(f"/enveloppes/{monde.env_ara.pk}"), 403, "non_habilite")


def test_un_changement_de_role_retire_l_acces(monde, jeton):
    appelant = jeton(monde.ars_ara, ["enveloppes:lire"])
    monde.ars_ara.role = Role.RESPONSABLE_OG
    monde.ars_ara.save()
    verifier_erreur(appelant.get("/enveloppes"), 403, "non_habilite")
