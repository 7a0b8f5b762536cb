"""Séances de sélection, pages: creation, agenda, the figures shown, the closing confirmation, the procès-verbal."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from esms.candidatures import services as candidatures
from esms.candidatures.models import Dossier
from esms.seances import services
from esms.seances.models import Seance
from tests import factories
from tests.seances.fabrique import monde as construire

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return construire()


def html(response) -> str:
    return response.content.decode()


def test_an_agent_creates_a_seance_of_its_region(client, monde):
    client.force_login(monde.agent)
    page = html(client.get(reverse("seances:liste")))
    assert "Comité de sélection ARA" in page and "Nouvelle séance" in page
    reponse = client.post(reverse("seances:liste"), {"titre": "Comité de décembre", "date": "2026-12-17",
                                                     "campagne": monde.seance.campagne_id, "region": "84"})
    seance = Seance.objects.get(titre="Comité de décembre")
    assert reponse.status_code == 302 and reponse["Location"] == reverse("seances:seance", args=[seance.pk])
    assert html(client.post(reverse("seances:liste"), {"titre": "", "date": "2026-12-17",
                                                       "campagne": monde.seance.campagne_id, "region": "84"})
                ).count("Séance non créée") == 1


def test_the_page_shows_the_envelope_and_the_impact_of_each_proposal(client, monde):
    client.force_login(monde.agent)
    url = reverse("seances:seance", args=[monde.seance.pk])
    page = html(client.get(url))
    for dossier in monde.dossiers:
        assert f"{dossier} — {dossier.grappe.nom}" in page  # offered for the agenda
    client.post(reverse("seances:inscrire", args=[monde.seance.pk]), {"dossiers": [d.pk for d in monde.dossiers]})
    for dossier, decision in zip(monde.dossiers, ("retenir", "retenir", "retenir"), strict=True):
        client.post(reverse("seances:proposer", args=[monde.seance.pk, dossier.pk]), {f"d{dossier.pk}-decision": decision})
    page = html(client.get(url))
    assert "500\u00a0000 €" in page  # dotation and available before (humanize: no-break space)
    assert "470\u00a0000 €" in page and "30\u00a0000 €" in page  # committed by the séance, remaining after
    assert "dépassent l'enveloppe" not in page
    services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[2], decision="ajourner")
    # 400 000 € are committed elsewhere meanwhile: the 350 000 € proposed no longer fit in the 100 000 € left.
    autre = factories.dossier_depose(monde.ref.og_ara, region=monde.ref.ara, montant=400_000)
    candidatures.retenir(actor=monde.agent, dossier=autre, montant=400_000)
    page = html(client.get(url))
    assert "dépassent l'enveloppe" in page and "Ils engageraient 350\u00a0000 € pour 100\u00a0000 €" in page
    assert "-100\u00a0000 € (dépassement)" in page and "-250\u00a0000 € (dépassement)" in page


def test_closing_confirms_the_amount_and_counts_then_applies(client, monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers)
    for dossier, decision, motif in zip(monde.dossiers, ("retenir", "refuser", "retenir"), ("", "Incomplet.", ""),
                                        strict=True):
        services.proposer(actor=monde.agent, seance=monde.seance, dossier=dossier, decision=decision, motif=motif)
    client.force_login(monde.agent)
    url = reverse("seances:cloturer", args=[monde.seance.pk])
    page = html(client.get(url))
    assert "Confirmer la clôture : 320\u00a0000 € engagés" in page
    assert '<td id="nb-retenir">2</td>' in page and '<td id="nb-refuser">1</td>' in page
    assert '<td id="nb-ajourner">0</td>' in page and "180\u00a0000 €" in page
    assert set(Dossier.objects.values_list("etat", flat=True)) == {"en_instruction"}  # nothing applied yet
    reponse = client.post(url)
    assert reponse.status_code == 302
    etats = [Dossier.objects.get(pk=d.pk).etat for d in monde.dossiers]
    assert etats == ["retenu", "non_retenu", "retenu"]
    page = html(client.get(reverse("seances:seance", args=[monde.seance.pk])))
    assert "Séance clôturée : 2 retenu(s) pour 320\u202f000\u00a0€, 1 refusé(s), 0 ajourné(s)." in page
    assert "Télécharger le procès-verbal" in page


def test_a_refused_closure_is_shown_on_the_page(client, monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:1])
    client.force_login(monde.agent)
    page = html(client.post(reverse("seances:cloturer", args=[monde.seance.pk])))
    assert "Séance non clôturée" in page and "une décision doit être proposée" in page


def test_proces_verbal_pdf_and_csv(client, monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:2])
    services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[0], decision="retenir")
    services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[1], decision="refuser",
                      motif="Hors priorités.")
    client.force_login(monde.agent)
    avant = html(client.get(reverse("seances:proces_verbal_export", args=[monde.seance.pk, "csv"])))
    assert "pas clôturée : son procès-verbal n&#x27;existe pas encore" in avant
    services.cloturer(actor=monde.agent, seance=monde.seance)
    pdf = client.get(reverse("seances:proces_verbal_pdf", args=[monde.seance.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    reponse = client.get(reverse("seances:proces_verbal_export", args=[monde.seance.pk, "csv"]))
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:6] == ["Ordre", "Numéro du dossier", "Grappe", "Porteur", "Financement calculé (€)", "Décision"]
    assert [ligne[5] for ligne in lignes[1:]] == ["Retenir", "Refuser"]
    assert [ligne[7:] for ligne in lignes[1:]] == [["200000", "200000", "300000"], ["0", "200000", "300000"]]
    assert lignes[2][6] == "Hors priorités."


def test_queue_and_dossier_page_show_the_agenda_to_instructors_only(client, monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:1])
    client.force_login(monde.agent)
    badge = "À l'ordre du jour : séance du 03/12/2026"
    file = html(client.get(reverse("candidatures:instruction")))
    assert file.count(badge) == 1 and reverse("seances:liste") in file
    assert badge in html(client.get(reverse("candidatures:dossier", args=[monde.dossiers[0].pk])))
    assert badge not in html(client.get(reverse("candidatures:dossier", args=[monde.dossiers[1].pk])))
    from esms.comptes.models import Role
    from tests import factories as f

    porteur = f.make_user(Role.RESPONSABLE_OG, username="porteur-odj", organismes=[monde.ref.og_ara.pk])
    client.force_login(porteur)
    assert badge not in html(client.get(reverse("candidatures:dossier", args=[monde.dossiers[0].pk])))
    services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[0], decision="ajourner")
    services.cloturer(actor=monde.agent, seance=monde.seance)
    client.force_login(monde.agent)
    assert badge not in html(client.get(reverse("candidatures:instruction")))  # closed: no longer on an agenda
