"""Assignment and following of dossiers (issue 16, point 3): services, their refusals, audit, notifications, the
queue's filters and batch assignment, the dossier page's « Instruction » box and the followed dossiers page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from esms.candidatures import affectation, services
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Attribution, Suivi
from esms.comptes.models import AuditEvent, Notification, Role
from tests import factories


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84", username="agent-ara")


@pytest.fixture
def collegue(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84", username="collegue-ara")


@pytest.fixture
def dossier(ref):
    return factories.dossier_depose(ref.og_ara, region=ref.ara, etat="en_instruction")


def test_take_reassign_and_unassign_are_recorded_audited_and_notified(dossier, agent, collegue):
    affectation.attribuer(actor=agent, dossier=dossier, instructeur=agent)
    dossier.refresh_from_db()
    assert dossier.instructeur == agent
    assert Suivi.objects.filter(dossier=dossier, utilisateur=agent).exists()  # the assignee follows it
    assert not Notification.objects.filter(destinataire=agent).exists()  # nobody tells oneself

    affectation.attribuer(actor=agent, dossier=dossier, instructeur=collegue)
    dossier.refresh_from_db()
    assert dossier.instructeur == collegue
    assert Notification.objects.filter(destinataire=collegue, sujet__contains="il vous est attribué").count() == 1
    assert Suivi.objects.filter(dossier=dossier, utilisateur=collegue).exists()

    affectation.attribuer(actor=agent, dossier=dossier, instructeur=None)
    dossier.refresh_from_db()
    assert dossier.instructeur is None
    assert Notification.objects.filter(destinataire=collegue, sujet__contains="ne vous est plus attribué").exists()
    assert [(a.precedent, a.instructeur) for a in Attribution.objects.filter(dossier=dossier)] == [
        (None, agent), (agent, collegue), (collegue, None)]
    evenements = AuditEvent.objects.filter(action="dossiers.attribuer", object_id=str(dossier.pk)).order_by("id")
    assert [(e.before["instructeur"], e.after["instructeur"]) for e in evenements] == [
        ("", agent.username), (agent.username, collegue.username), (collegue.username, "")]


def test_refusals_write_nothing(ref, dossier, agent, make_user):
    corse = make_user(Role.AGENT_ARS, region="94")
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    with pytest.raises(PermissionDenied):  # another region's agent
        affectation.attribuer(actor=corse, dossier=dossier, instructeur=corse)
    with pytest.raises(PermissionDenied):  # the porteur
        affectation.attribuer(actor=porteur, dossier=dossier, instructeur=agent)
    with pytest.raises(CandidatureRefusee, match="région pilote"):  # an assignee outside the lead region
        affectation.attribuer(actor=agent, dossier=dossier, instructeur=corse)
    with pytest.raises(CandidatureRefusee, match="n'est attribué à personne"):
        affectation.attribuer(actor=agent, dossier=dossier, instructeur=None)
    brouillon = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="brouillon")
    with pytest.raises(CandidatureRefusee, match="n'est pas déposé"):
        affectation.attribuer(actor=agent, dossier=brouillon, instructeur=agent)
    with pytest.raises(PermissionDenied):
        affectation.suivre(actor=porteur, dossier=dossier)
    with pytest.raises(PermissionDenied):
        affectation.suivre(actor=corse, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.instructeur is None
    assert not Attribution.objects.exists() and not Suivi.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["dossiers.attribuer", "dossiers.suivre"]).exists()


def test_a_multiregional_dossier_is_assigned_by_its_lead_region_only(ref, make_user):
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, appel="multiregional")
    dossier.regions.add(ref.corse)
    corse = make_user(Role.AGENT_ARS, region="94")
    affectation.suivre(actor=corse, dossier=dossier)  # it sees the dossier: it may follow it
    with pytest.raises(PermissionDenied, match="région pilote"):
        affectation.attribuer(actor=corse, dossier=dossier, instructeur=corse)


def test_followers_are_told_of_porteur_messages_and_state_changes(ref, dossier, agent, collegue, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    admin = make_user(Role.ADMIN_NATIONAL)
    affectation.suivre(actor=admin, dossier=dossier)
    assert AuditEvent.objects.filter(action="dossiers.suivre", actor=admin).exists()
    services.envoyer_message(actor=porteur, dossier=dossier, texte="Question sur le calendrier")
    # Once followed, the dossier's events go to its followers, not to every agent of the region.
    assert Notification.objects.filter(destinataire=admin, sujet__contains="message").count() == 1
    assert not Notification.objects.filter(destinataire=agent).exists()
    services.appliquer(actor=collegue, dossier=dossier, transition="demander_complement", commentaire="Le devis.")
    assert Notification.objects.filter(destinataire=admin, sujet__contains="complément demandé").count() == 1
    services.appliquer(actor=porteur, dossier=dossier, transition="retirer")
    assert Notification.objects.filter(destinataire=admin, sujet__contains="retiré").count() == 1
    affectation.ne_plus_suivre(actor=admin, dossier=dossier)
    assert AuditEvent.objects.filter(action="dossiers.ne_plus_suivre", actor=admin).exists()
    with pytest.raises(CandidatureRefusee, match="ne suivez pas"):
        affectation.ne_plus_suivre(actor=admin, dossier=dossier)


def test_without_followers_every_agent_of_the_region_is_told(ref, dossier, agent, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    services.envoyer_message(actor=porteur, dossier=dossier, texte="Bonjour")
    assert Notification.objects.filter(destinataire=agent, sujet__contains="message").exists()


def test_opening_the_instruction_assigns_and_follows(ref, agent):
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    dossier.refresh_from_db()
    assert dossier.instructeur == agent
    assert Suivi.objects.filter(dossier=dossier, utilisateur=agent).exists()
    assert Attribution.objects.get(dossier=dossier).instructeur == agent


def test_queue_filters_mine_unassigned_followed(client, ref, agent, collegue):
    a = factories.dossier_depose(ref.og_ara, region=ref.ara)
    b = factories.dossier_depose(ref.og_ara, region=ref.ara)
    c = factories.dossier_depose(ref.og_ara, region=ref.ara)
    affectation.attribuer(actor=agent, dossier=a, instructeur=agent)
    affectation.attribuer(actor=agent, dossier=b, instructeur=collegue)
    affectation.suivre(actor=agent, dossier=c)
    client.force_login(agent)
    url = reverse("candidatures:instruction")

    def numeros(**filtres) -> set[str]:
        return {d.numero for d in client.get(url, filtres).context["page_obj"]}

    assert numeros(attribution="moi") == numeros(mes_dossiers="on") == {a.numero}
    assert numeros(attribution="aucun") == {c.numero}
    assert numeros(attribution="suivis") == {a.numero, c.numero}
    page = client.get(url).content.decode()
    assert "Mes dossiers : 1" in page and "Non attribués : 1" in page and "Suivis : 2" in page


def test_batch_assignment_each_dossier_on_its_own(client, ref, agent, collegue):
    a = factories.dossier_depose(ref.og_ara, region=ref.ara)
    brouillon = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="brouillon")
    client.force_login(agent)
    reponse = client.post(reverse("candidatures:attribution_lot"),
                          {"dossiers": [a.pk, brouillon.pk], "instructeur": collegue.pk}, follow=True)
    page = reponse.content.decode()
    assert f"1 dossier attribué à {collegue}" in page
    assert "pas déposé" in page
    a.refresh_from_db()
    assert a.instructeur == collegue


def test_batch_assignment_refuses_an_agent_of_another_region(client, ref, agent, make_user):
    a = factories.dossier_depose(ref.og_ara, region=ref.ara)
    corse = make_user(Role.AGENT_ARS, region="94")
    client.force_login(agent)
    reponse = client.post(reverse("candidatures:attribution_lot"), {"dossiers": [a.pk], "instructeur": corse.pk},
                          follow=True)
    assert "Attribution non faite" in reponse.content.decode()
    a.refresh_from_db()
    assert a.instructeur is None


def test_dossier_page_take_follow_and_history(client, ref, dossier, agent, collegue, make_user):
    client.force_login(agent)
    url = reverse("candidatures:dossier", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "Me l'attribuer" in page and "non attribué" in page
    client.post(reverse("candidatures:attribuer", args=[dossier.pk]), {"moi": "1"})
    client.post(reverse("candidatures:attribuer", args=[dossier.pk]), {"instructeur": collegue.pk})
    page = client.get(url).content.decode()
    assert f"Réattribué à {collegue}" in page
    assert "Suivre</button>" not in page  # still follows what it took
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    client.force_login(porteur)
    page = client.get(url).content.decode()
    assert "Réattribué" not in page and "Me l'attribuer" not in page
    assert client.post(reverse("candidatures:suivre", args=[dossier.pk])).status_code == 403


def test_followed_page_counts_what_others_did_since_the_last_visit(client, ref, dossier, agent, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    affectation.suivre(actor=agent, dossier=dossier)
    services.envoyer_message(actor=porteur, dossier=dossier, texte="Un")
    services.envoyer_message(actor=porteur, dossier=dossier, texte="Deux")
    services.envoyer_message(actor=agent, dossier=dossier, texte="Ma réponse")  # its own: not new to it
    client.force_login(agent)
    page = client.get(reverse("candidatures:suivis")).content.decode()
    assert "2 nouveautés" in page
    client.get(reverse("candidatures:dossier", args=[dossier.pk]))
    page = client.get(reverse("candidatures:suivis")).content.decode()
    assert "nouveauté" not in page.split("<tbody>")[1]
