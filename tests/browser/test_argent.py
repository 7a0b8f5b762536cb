"""Browser: money actions on the envelope pages show their amount before anything is written (issue 16, item 3
« confirmations showing amounts on every money action »): a dotation goes through a confirmation page with the
balance after it; a release states its amount and is refused if that amount is no longer the one held."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures import services as candidatures
from esms.comptes.models import Role
from esms.financement import selectors
from esms.financement import services as enveloppes
from esms.financement.models import LigneEnveloppe
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_formulaire as connexion
from tests.browser.connexion import par_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_une_dotation_se_confirme_avec_son_montant_et_le_disponible_apres(page, live_server):
    ref = factories.mini_referentiel()
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin-dotation")
    env = enveloppes.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=200_000, libelle="Première délégation")
    par_session(page, live_server, admin)
    page.goto(reverse("financement:enveloppes"))
    dotation = page.get_by_role("region", name="Ajouter une dotation")
    dotation.get_by_label("Enveloppe").select_option(str(env.pk))
    dotation.get_by_label("Montant de la dotation (€)").fill("150000")
    dotation.get_by_label("Libellé").fill("Délégation complémentaire")
    dotation.get_by_role("button", name="Doter l'enveloppe").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("150 000 €")
    expect(page.get_by_role("row", name="Disponible")).to_contain_text("350 000 €")
    verifier(page, contexte="confirmation de dotation")
    assert selectors.etat(env).dotation == 200_000  # nothing written before confirming
    page.get_by_role("button", name="Confirmer la dotation de 150 000 €").click()
    expect(page.get_by_text("Dotation de 150 000 € ajoutée")).to_be_visible()
    assert selectors.etat(env).dotation == 350_000


def test_une_liberation_annonce_son_montant_et_refuse_un_montant_perime(page):
    ref = factories.mini_referentiel()
    admin = factories.make_user(Role.ADMIN_NATIONAL)
    agent = factories.make_user(Role.AGENT_ARS, username="agent-liberation", region="84")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=100_000)
    env = enveloppes.creer_enveloppe(actor=admin, campagne=dossier.grappe.campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=500_000, libelle="Délégation")
    candidatures.retenir(actor=agent, dossier=dossier, montant=80_000)
    connexion(page, agent.username)
    page.goto(reverse("financement:enveloppe", args=[env.pk]))
    page.get_by_label("Motif de la libération de 80 000 €").fill("Le porteur renonce.")
    # meanwhile 30 000 € were paid to the dossier: the page's 80 000 € are no longer what it holds
    from esms.financement.conventions import programmer_versement
    programmer_versement(actor=agent, dossier=dossier, type="avance", montant=30_000, libelle="Avance")
    page.get_by_role("button", name="Libérer 80 000 €").click()
    expect(page.get_by_text("est désormais de 50 000 € (vous aviez confirmé 80 000 €)")).to_be_visible()
    assert not LigneEnveloppe.objects.filter(type="liberation").exists()
    page.get_by_label("Motif de la libération de 50 000 €").fill("Le porteur renonce.")
    page.get_by_role("button", name="Libérer 50 000 €").click()
    expect(page.get_by_text("50 000 € rendus")).to_be_visible()
    assert LigneEnveloppe.objects.get(type="liberation").montant == 50_000
