"""The bourse's market: a porteur's 14-member draft near Bourg-en-Bresse (one short of 15), a nearby isolated
establishment of another organisme, a far one, their manager and the region's ARS agent."""

from __future__ import annotations

import pytest

from esms.candidatures import services as candidatures
from esms.comptes.models import Role
from tests import factories


@pytest.fixture
def marche(ref, make_user):
    factories.version_parametres(factories.campagne("2025"),
                                 parametres=factories.parametres_campagne_ouverte("2025"))
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], username="porteur.a")
    siens = factories.etablissements(ref.ain, ref.og_ara, 14)
    for rang, e in enumerate(siens):
        e.latitude, e.longitude = 46.20 + rang * 0.001, 5.22
        e.save()
    dossier = candidatures.creer_grappe(actor=porteur, campagne_code="2025", porteur=ref.og_ara.pk,
                                        nom="Grappe de Bourg", solution=factories.solution_referencee("DUI Alpha"))
    candidatures.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in siens])
    voisine = factories.organisme("01", "Association voisine")
    nouveau = factories.etablissement(ref.ain, voisine, "EHPAD ISOLE")
    nouveau.latitude, nouveau.longitude = 46.25, 5.30
    nouveau.save()
    loin = factories.etablissement(ref.ain, voisine, "EHPAD LOINTAIN")
    loin.latitude, loin.longitude = 45.0, 3.0
    loin.save()
    return {
        "porteur": porteur, "dossier": dossier, "nouveau": nouveau, "loin": loin,
        "gestionnaire": make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[nouveau.pk, loin.pk]),
        "agent": make_user(Role.AGENT_ARS, region="84"),
    }

