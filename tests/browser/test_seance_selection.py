"""Browser: a séance de sélection (issue 16, item 3) — the ARS agent creates it, puts dossiers on its agenda, sets the
decisions while the envelope's remaining amount updates, confirms the closure with the amount engaged and the count
per decision, and the dossiers end retained or refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.models import Dossier
from esms.comptes.models import Role
from esms.financement import selectors
from esms.financement import services as enveloppes
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_formulaire as connexion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _decider(page, dossier, decision: str, motif: str = "") -> None:
    ligne = page.locator(f"#dossier-{dossier.pk}")
    ligne.get_by_label("Décision proposée").select_option(decision)
    if motif:
        ligne.get_by_label("Motif").fill(motif)
    ligne.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"Dossier {dossier} : décision proposée enregistrée.")).to_be_visible()


def test_une_seance_decide_dans_la_limite_de_l_enveloppe(page):
    ref = factories.mini_referentiel()
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin-seance-nav")
    a = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=200_000)
    b = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=150_000)
    c = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=120_000)
    env = enveloppes.creer_enveloppe(actor=admin, campagne=a.grappe.campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=300_000, libelle="Délégation")
    agent = factories.make_user(Role.AGENT_ARS, username="agent-seance-nav", region="84")
    connexion(page, agent.username)

    page.goto(reverse("candidatures:instruction"))
    page.get_by_role("link", name="Séances de sélection").click()
    page.get_by_label("Titre de la séance").fill("Comité de sélection de décembre")
    page.get_by_label("Date de la séance").fill("2026-12-03")
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comité de sélection de décembre")

    for dossier in (a, b, c):  # the DSFR checkbox input is drawn by its label's pseudo-element
        page.get_by_label(f"{dossier} — {dossier.grappe.nom}").check(force=True)
    page.get_by_role("button", name="Inscrire les dossiers cochés").click()
    expect(page.get_by_text("3 dossiers inscrits à l'ordre du jour.")).to_be_visible()
    reste = page.locator("#reste-seance")
    expect(reste).to_contain_text("300 000 €")
    verifier(page, contexte="séance de sélection")

    _decider(page, a, "retenir")
    expect(reste).to_contain_text("100 000 €")
    _decider(page, b, "retenir")  # 350 000 € for 300 000 €: the page warns
    expect(reste).to_contain_text("-50 000 €")
    expect(page.get_by_role("alert")).to_contain_text("dépassent l'enveloppe")
    _decider(page, b, "refuser", motif="Projet hors des priorités régionales.")
    expect(reste).to_contain_text("100 000 €")
    _decider(page, c, "ajourner")
    expect(page.get_by_role("alert")).to_have_count(0)

    page.get_by_role("link", name="Clôturer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("200 000 € engagés")
    expect(page.locator("#nb-retenir")).to_have_text("1")
    expect(page.locator("#nb-refuser")).to_have_text("1")
    expect(page.locator("#nb-ajourner")).to_have_text("1")
    verifier(page, contexte="confirmation de clôture")
    assert set(Dossier.objects.values_list("etat", flat=True)) == {"en_instruction"}  # nothing applied before
    page.get_by_role("button", name="Confirmer la clôture : engager 200 000 €").click()
    expect(page.get_by_text("Séance clôturée : 1 retenu(s)")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le procès-verbal PDF")).to_be_visible()
    verifier(page, contexte="séance clôturée")

    etats = {d.pk: d.etat for d in Dossier.objects.filter(pk__in=[a.pk, b.pk, c.pk])}
    assert etats == {a.pk: "retenu", b.pk: "non_retenu", c.pk: "en_instruction"}
    assert selectors.etat(env).disponible == 100_000
