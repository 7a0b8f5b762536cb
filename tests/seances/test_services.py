"""Séances de sélection, services: agenda, proposals, closure all or nothing within the envelope, permissions, audit."""

from __future__ import annotations

from datetime import date

import pytest

from esms.candidatures.models import Dossier, Transition
from esms.comptes.models import AuditEvent, Role
from esms.financement import selectors as enveloppes
from esms.financement.models import LigneEnveloppe
from esms.refus import Refus, RefusPermission
from esms.seances import selectors, services
from esms.seances.erreurs import EnveloppeInsuffisante, SeanceRefusee
from esms.seances.models import DecisionSeance, Seance
from tests import factories
from tests.seances.fabrique import monde as construire

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde():
    return construire()


def _proposer(m, *decisions):
    for dossier, (decision, motif) in zip(m.dossiers, decisions, strict=True):
        services.proposer(actor=m.agent, seance=m.seance, dossier=dossier, decision=decision, motif=motif)


def test_closing_applies_each_decision_through_the_workflow(monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers)
    _proposer(monde, ("retenir", ""), ("refuser", "Projet hors priorités."), ("ajourner", ""))
    bilan = services.cloturer(actor=monde.agent, seance=monde.seance)
    etats = dict(Dossier.objects.filter(pk__in=[d.pk for d in monde.dossiers]).values_list("pk", "etat"))
    assert [etats[d.pk] for d in monde.dossiers] == ["retenu", "non_retenu", "en_instruction"]
    retenu, refuse, _ = (Dossier.objects.get(pk=d.pk) for d in monde.dossiers)
    assert retenu.montant_retenu == 200_000 and refuse.motif_decision == "Projet hors priorités."
    assert enveloppes.etat(monde.enveloppe).disponible == 300_000
    assert (bilan.total, bilan.retenus, bilan.refuses, bilan.ajournes) == (200_000, 1, 1, 1)
    monde.seance.refresh_from_db()
    assert monde.seance.statut == Seance.Statut.CLOTUREE and monde.seance.cloturee_par == monde.agent
    assert set(Transition.objects.values_list("nom", flat=True)) == {"retenir", "ne_pas_retenir"}
    cloture = AuditEvent.objects.get(action="seances.cloturer")
    assert cloture.after == {"statut": "cloturee", "montant": 200_000, "retenir": 1, "refuser": 1, "ajourner": 1}
    assert AuditEvent.objects.filter(action="dossiers.retenir", object_id=str(retenu.pk)).exists()
    assert {"seances.creer", "seances.inscrire", "seances.proposer"} <= set(
        AuditEvent.objects.values_list("action", flat=True))
    with pytest.raises(SeanceRefusee, match="clôturée"):
        services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[2], decision="retenir")


def test_exceeding_the_envelope_refuses_the_whole_closure_and_writes_nothing(monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers)
    _proposer(monde, ("retenir", ""), ("retenir", ""), ("retenir", ""))  # 470 000 € of 500 000 €: fits
    # Someone commits 100 000 € elsewhere meanwhile: the séance no longer fits.
    autre = factories.dossier_depose(monde.ref.og_ara, region=monde.ref.ara, montant=100_000)
    from esms.candidatures import services as candidatures

    candidatures.retenir(actor=monde.agent, dossier=autre, montant=100_000)
    lignes, evenements = LigneEnveloppe.objects.count(), AuditEvent.objects.count()
    bilan = selectors.bilan(monde.seance)
    assert bilan.depasse and bilan.reste == -70_000
    with pytest.raises(EnveloppeInsuffisante) as refus:
        services.cloturer(actor=monde.agent, seance=monde.seance)
    assert "470\u202f000\u00a0€" in str(refus.value) and "400\u202f000\u00a0€" in str(refus.value)
    assert "dépassement de 70\u202f000\u00a0€" in str(refus.value)
    assert LigneEnveloppe.objects.count() == lignes and AuditEvent.objects.count() == evenements
    assert set(Dossier.objects.filter(pk__in=[d.pk for d in monde.dossiers]).values_list("etat", flat=True)) \
        == {"en_instruction"}
    monde.seance.refresh_from_db()
    assert monde.seance.ouverte


def test_one_refused_transition_rolls_back_the_decisions_already_applied(monde, settings):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers)
    _proposer(monde, ("retenir", ""), ("refuser", "Hors priorités."), ("retenir", ""))
    Dossier.objects.filter(pk=monde.dossiers[2].pk).update(etat="retire")  # withdrawn by its porteur meanwhile
    with pytest.raises(Refus, match=f"Dossier {monde.dossiers[2]}"):
        services.cloturer(actor=monde.agent, seance=monde.seance)
    assert not LigneEnveloppe.objects.filter(type="engagement").exists()
    assert Dossier.objects.get(pk=monde.dossiers[0].pk).etat == "en_instruction"
    assert Dossier.objects.get(pk=monde.dossiers[1].pk).etat == "en_instruction"
    assert not Transition.objects.exists()


def test_closure_needs_a_decision_for_every_dossier(monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:2])
    services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[0], decision="retenir")
    with pytest.raises(SeanceRefusee, match="une décision doit être proposée"):
        services.cloturer(actor=monde.agent, seance=monde.seance)


def test_a_refusal_needs_its_reason_and_decisions_are_known(monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:1])
    with pytest.raises(SeanceRefusee, match="motif du refus est obligatoire"):
        services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[0], decision="refuser")
    with pytest.raises(SeanceRefusee, match="Décision inconnue"):
        services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[0], decision="peut-etre")
    assert DecisionSeance.objects.get().decision == ""


def test_only_dossiers_ready_and_on_the_envelope_join_the_agenda(monde):
    depose = factories.dossier_depose(monde.ref.og_ara, region=monde.ref.ara, etat="depose")
    corse = factories.dossier_depose(monde.ref.og_corse, region=monde.ref.corse)
    assert set(selectors.a_inscrire(actor=monde.agent, seance=monde.seance)) == set(monde.dossiers)
    with pytest.raises(SeanceRefusee) as refus:
        services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=[depose, corse])
    assert any("pas prêt à être décidé" in m for m in refus.value.messages)
    assert any("n'engage pas l'enveloppe" in m for m in refus.value.messages)
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:1])
    autre = services.creer(actor=monde.agent, campagne=monde.seance.campagne, region=monde.ref.ara,
                           date=date(2026, 12, 10), titre="Autre comité")
    with pytest.raises(SeanceRefusee, match="déjà à l'ordre du jour"):
        services.inscrire(actor=monde.agent, seance=autre, dossiers=monde.dossiers[:1])
    assert selectors.seances_ouvertes_des([monde.dossiers[0].pk]) == {monde.dossiers[0].pk: monde.seance}


def test_an_agent_of_another_region_may_neither_create_nor_close(monde):
    corse = factories.make_user(Role.AGENT_ARS, username="agent-corse", region="94")
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers[:1])
    services.proposer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[0], decision="retenir")
    with pytest.raises(RefusPermission) as refus:
        services.cloturer(actor=corse, seance=monde.seance)
    assert refus.value.code == "hors_perimetre"
    with pytest.raises(RefusPermission):
        services.proposer(actor=corse, seance=monde.seance, dossier=monde.dossiers[0], decision="ajourner")
    with pytest.raises(RefusPermission) as refus:
        services.creer(actor=corse, campagne=monde.seance.campagne, region=monde.ref.ara, date=date(2026, 12, 3),
                       titre="Intrus")
    assert refus.value.code == "hors_perimetre"
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur-seance", organismes=[monde.ref.og_ara.pk])
    with pytest.raises(RefusPermission):
        selectors.seances(actor=porteur)
    assert Seance.objects.count() == 1 and Dossier.objects.get(pk=monde.dossiers[0].pk).etat == "en_instruction"
    assert list(selectors.seances(actor=corse)) == []
    # The national administrator closes it.
    services.cloturer(actor=monde.admin, seance=monde.seance)
    assert Dossier.objects.get(pk=monde.dossiers[0].pk).etat == "retenu"


def test_figures_running_total_and_remaining_after_each_decision(monde):
    services.inscrire(actor=monde.agent, seance=monde.seance, dossiers=monde.dossiers)
    _proposer(monde, ("retenir", ""), ("ajourner", ""), ("retenir", ""))
    bilan = selectors.bilan(monde.seance)
    assert (bilan.dotation, bilan.engage, bilan.disponible) == (500_000, 0, 500_000)
    assert [(ligne.montant, ligne.engage, ligne.cumul, ligne.reste, ligne.reste_si_retenu) for ligne in bilan.lignes] == [
        (200_000, 200_000, 200_000, 300_000, 300_000),
        (150_000, 0, 200_000, 300_000, 150_000),
        (120_000, 120_000, 320_000, 180_000, 180_000),
    ]
    assert (bilan.total, bilan.reste, bilan.depasse) == (320_000, 180_000, False)
    services.retirer(actor=monde.agent, seance=monde.seance, dossier=monde.dossiers[1])
    assert [ligne.dossier for ligne in selectors.bilan(monde.seance).lignes] == [monde.dossiers[0], monde.dossiers[2]]
    services.cloturer(actor=monde.agent, seance=monde.seance)
    monde.seance.refresh_from_db()
    apres = selectors.bilan(monde.seance)  # closed: the figures are those of the closure
    assert (apres.disponible, apres.total, apres.reste) == (500_000, 320_000, 180_000)


def test_ready_to_decide_are_the_states_the_retain_and_refuse_transitions_leave():
    from esms.candidatures.etats import ETATS_A_DECIDER
    from esms.candidatures.workflow import TRANSITIONS

    for nom in services.TRANSITIONS.values():
        assert TRANSITIONS[nom].depuis == ETATS_A_DECIDER


def test_the_audit_trail_names_the_seance_actions_in_french():
    from esms.comptes import journal

    for action in ("creer", "inscrire", "retirer", "proposer", "cloturer"):
        assert not journal.libelle_action(f"seances.{action}").startswith("Séances de sélection :")
    assert journal.libelle_objet("seances.Seance") == "Séance de sélection"


def test_a_national_seance_decides_national_dossiers_on_the_national_envelope(monde):
    from esms.financement import services as enveloppes_services

    national = factories.dossier_depose(monde.ref.og_ara, region=monde.ref.ara, appel="national", montant=90_000)
    env = enveloppes_services.creer_enveloppe(actor=monde.admin, campagne=monde.seance.campagne, region=None)
    enveloppes_services.doter(actor=monde.admin, enveloppe=env, montant=100_000, libelle="Enveloppe nationale")
    with pytest.raises(RefusPermission):  # an ARS agent does not prepare a national séance
        services.creer(actor=monde.agent, campagne=monde.seance.campagne, region=None, date=date(2026, 12, 3),
                       titre="Comité national")
    seance = services.creer(actor=monde.admin, campagne=monde.seance.campagne, region=None, date=date(2026, 12, 3),
                            titre="Comité national")
    assert list(selectors.a_inscrire(actor=monde.admin, seance=seance)) == [national]
    services.inscrire(actor=monde.admin, seance=seance, dossiers=[national])
    services.proposer(actor=monde.admin, seance=seance, dossier=national, decision="retenir")
    services.cloturer(actor=monde.admin, seance=seance)
    assert enveloppes.etat(env).disponible == 10_000 and enveloppes.etat(monde.enveloppe).disponible == 500_000
