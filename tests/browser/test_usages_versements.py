"""The ARS agent's usage decision and payment orders in Chromium (issue 16, items 8 and 10): validating usage
despite a 34 % gap between declared and proven active DUIs asks for a reason, naming the « Motif » field, and
writes nothing; the page announces the payment that validating orders; ordering a payment shows its amount and
needs an explicit confirmation before anything is ordered."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.comptes.models import Role
from esms.financement.models import Versement
from esms.usages import services
from esms.usages.models import ValidationUsage
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_session
from tests.usages.fabrique import DEBUT, FIN, construire_dossier, csv_bytes, evenements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTEINTS = {"taux_dui_actifs": "0.9", "taux_ins_qualifiee": "0.8", "documents_dmp": "2", "messages_mssante": "12"}


@pytest.fixture
def suivi(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ref = factories.mini_referentiel()
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur", organismes=[ref.og_ara.pk])
    agent = factories.make_user(Role.AGENT_ARS, username="agent", region="84")
    suivi = construire_dossier(ref, porteur, agent)
    suivi.agent, suivi.porteur = agent, porteur
    return suivi


def _ecart_de_34_pourcent(suivi) -> None:
    """Every member proves 50 active DUIs; the first declares 67 (34 % above)."""
    porteur = suivi.porteur
    for et in suivi.ets:
        services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=et, debut=DEBUT, fin=FIN,
                                      dui_actifs=67 if et == suivi.ets[0] else 50, valeurs=ATTEINTS)
    services.deposer_preuve(actor=porteur, dossier=suivi.dossier,
                            fichier=csv_bytes(evenements(suivi.ets, dict.fromkeys(suivi.ets, 50))),
                            nom="extraction.csv", debut=DEBUT, fin=FIN)


def test_valider_un_ecart_de_34_pourcent_exige_un_motif_a_sa_place(page, live_server, suivi):
    _ecart_de_34_pourcent(suivi)
    par_session(page, live_server, suivi.agent)
    page.goto(f"{reverse('usages:dossier', args=[suivi.dossier.pk])}?debut={DEBUT}&fin={FIN}")
    expect(page.get_by_text("Écart signalé").first).to_be_visible()
    annonce = page.locator("#versement-a-ordonner")
    expect(annonce).to_contain_text("Valider ordonnera un versement de")
    page.get_by_text("Valider les usages").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la décision").click()
    alerte = page.get_by_role("alert")  # why (the gap and the tolerance) and where (the « Motif » field)
    expect(alerte).to_contain_text("34,0 %")
    expect(alerte).to_contain_text("« Motif »")
    assert not ValidationUsage.objects.exists()
    verifier(page)
    page.get_by_text("Valider les usages").click()
    page.get_by_label("Motif").fill("Extraction incomplète : chiffres prouvés retenus.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("table").filter(has_text="Extraction incomplète")).to_have_count(1)
    assert ValidationUsage.objects.get().motif.startswith("Extraction incomplète")


def test_ordonner_un_versement_montre_son_montant_et_demande_confirmation(page, live_server, suivi):
    versement = Versement.objects.filter(dossier=suivi.dossier, statut=Versement.Statut.PROGRAMME).first()
    assert versement is not None
    par_session(page, live_server, suivi.agent)
    page.goto(reverse("usages:versements"))
    ligne = page.locator("tr", has_text=str(suivi.dossier))
    confirmer = ligne.get_by_role("button", name="Confirmer l'ordre de paiement")
    expect(confirmer).to_be_hidden()  # one click does not order: the amount is shown first
    ligne.locator("summary", has_text="Ordonner").click()
    expect(ligne).to_contain_text("Ordre de paiement de")
    expect(confirmer).to_be_visible()
    verifier(page)
    versement.refresh_from_db()
    assert versement.statut == Versement.Statut.PROGRAMME
    with page.expect_navigation():
        confirmer.click()
    versement.refresh_from_db()
    assert versement.statut == Versement.Statut.ORDONNE
