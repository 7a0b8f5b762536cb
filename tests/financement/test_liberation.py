"""Issue 9, point 9: releasing a commitment (`liberer`, never called before) — by the lead region's agent, from
the envelope page, with a required reason, audited; the amount returns to the envelope, once. And dotations
are bounded amounts: 9 223 372 036 854 775 807 € is refused at input."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from esms.candidatures import services as candidatures
from esms.comptes.models import AuditEvent, Role
from esms.financement import selectors, services
from esms.financement.erreurs import LiberationRefusee
from esms.financement.models import LigneEnveloppe, Versement
from tests import factories
from tests.pages import texte as html


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84")


@pytest.fixture
def retenu(ref, env_ara, agent):
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=100_000)
    candidatures.retenir(actor=agent, dossier=dossier, montant=80_000)
    return dossier


def test_the_agent_releases_from_the_envelope_page_with_a_reason(client, env_ara, agent, retenu):
    client.force_login(agent)
    page = html(client.get(reverse("financement:enveloppe", args=[env_ara.pk])))
    assert reverse("financement:liberer", args=[retenu.pk]) in page and "Libérer 80 000 €" in page
    # no reason: refused, nothing written
    reponse = client.post(reverse("financement:liberer", args=[retenu.pk]), {"motif": "  ", "montant_confirme": "80000"},
                          follow=True)
    assert "le motif est obligatoire" in html(reponse)
    assert selectors.etat(env_ara).disponible == 170_000
    # no confirmed amount, or another amount than what it holds: refused, nothing written
    reponse = client.post(reverse("financement:liberer", args=[retenu.pk]), {"motif": "Le porteur renonce."}, follow=True)
    assert "confirmez le montant à libérer" in html(reponse)
    reponse = client.post(reverse("financement:liberer", args=[retenu.pk]),
                          {"motif": "Le porteur renonce.", "montant_confirme": "100000"}, follow=True)
    assert "est désormais de 80 000 € (vous aviez confirmé 100 000 €)" in html(reponse)
    assert selectors.etat(env_ara).disponible == 170_000
    reponse = client.post(reverse("financement:liberer", args=[retenu.pk]),
                          {"motif": "Le porteur renonce.", "montant_confirme": "80000"}, follow=True)
    assert "80 000 € rendus" in html(reponse)
    assert selectors.etat(env_ara).disponible == 250_000
    ligne = LigneEnveloppe.objects.get(type="liberation")
    assert (ligne.montant, ligne.dossier, ligne.acteur) == (80_000, retenu, agent)
    evenement = AuditEvent.objects.get(action="enveloppes.liberer")
    assert evenement.comment == "Le porteur renonce." and evenement.after["montant"] == 80_000
    # a second release gives nothing back twice
    reponse = client.post(reverse("financement:liberer", args=[retenu.pk]), {"motif": "Encore", "montant_confirme": "80000"},
                          follow=True)
    assert "ne détient plus rien" in html(reponse)
    assert selectors.etat(env_ara).disponible == 250_000 and LigneEnveloppe.objects.filter(type="liberation").count() == 1


def test_what_was_paid_stays_committed(env_ara, agent, retenu):
    Versement.objects.create(dossier=retenu, type="avance", montant=24_000, libelle="Avance", acteur=agent)
    ligne = services.liberer(actor=agent, dossier=retenu, motif="Abandon après l'avance")
    assert ligne.montant == 56_000 and selectors.etat(env_ara).disponible == 170_000 + 56_000


def test_only_the_lead_region_releases(client, ref, env_ara, retenu, make_user):
    autre_region = make_user(Role.AGENT_ARS, region="94")
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    with pytest.raises(PermissionDenied):
        services.liberer(actor=autre_region, dossier=retenu, motif="x")
    with pytest.raises(PermissionDenied):
        services.liberer(actor=porteur, dossier=retenu, motif="x")
    client.force_login(autre_region)
    assert client.post(reverse("financement:liberer", args=[retenu.pk]), {"motif": "x"}).status_code == 404
    client.force_login(porteur)
    assert client.post(reverse("financement:liberer", args=[retenu.pk]), {"motif": "x"}).status_code == 403
    assert not LigneEnveloppe.objects.filter(type="liberation").exists()


def test_a_reason_is_required_by_the_service(agent, retenu):
    with pytest.raises(LiberationRefusee, match="motif de la libération est obligatoire"):
        services.liberer(actor=agent, dossier=retenu, motif=" ")


@pytest.mark.parametrize("montant", ["9223372036854775807", "1e999999", "12.5", "1000000000000"])
def test_a_huge_dotation_is_refused_at_input(client, admin, env_ara, montant):
    client.force_login(admin)
    reponse = client.post(reverse("financement:doter"), {"enveloppe": env_ara.pk, "montant": montant, "libelle": "x"})
    assert reponse.status_code == 200 and "montant" in reponse.context["dotation_form"].errors
    assert selectors.etat(env_ara).dotation == 250_000
    assert client.get(reverse("financement:enveloppes")).status_code == 200


def test_the_service_refuses_a_huge_dotation(admin, env_ara):
    with pytest.raises(ValueError, match="de 1 à 999\u202f999\u202f999\u202f999 €"):
        services.doter(actor=admin, enveloppe=env_ara, montant=9_223_372_036_854_775_807, libelle="x")
