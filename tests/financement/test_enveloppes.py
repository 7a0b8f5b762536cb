"""Envelopes: the ledger is the truth, commitments never exceed what is available, also under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.db.models import Sum

from esms.candidatures import services as candidatures
from esms.candidatures.erreurs import CandidatureRefusee
from esms.comptes.models import AuditEvent, Role
from esms.financement import selectors, services
from esms.financement.erreurs import EnveloppeInsuffisante, EnveloppeIntrouvable
from esms.financement.models import LigneEnveloppe
from tests import factories


@pytest.fixture
def enveloppe_ara(ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    env = services.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    services.doter(actor=admin, enveloppe=env, montant=250_000, libelle="Délégation FMIS")
    return env


def test_state_is_the_sum_of_the_ledger(enveloppe_ara, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=100_000)
    candidatures.retenir(actor=agent, dossier=dossier, montant=80_000)
    etat = selectors.etat(enveloppe_ara)
    assert (etat.dotation, etat.engage, etat.disponible) == (250_000, 80_000, 170_000)
    assert LigneEnveloppe.objects.filter(enveloppe=enveloppe_ara).aggregate(s=Sum("montant"))["s"] == 170_000
    dossier.refresh_from_db()
    assert (dossier.etat, dossier.montant_retenu) == ("retenu", 80_000)
    assert AuditEvent.objects.filter(action="enveloppes.engager").count() == 1
    assert AuditEvent.objects.filter(action="dossiers.retenir", object_id=str(dossier.pk)).count() == 1


def test_a_decision_beyond_the_envelope_is_refused_and_writes_nothing(enveloppe_ara, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=300_000)
    lignes = LigneEnveloppe.objects.count()
    with pytest.raises(EnveloppeInsuffisante, match="dépasseraient le disponible"):
        candidatures.retenir(actor=agent, dossier=dossier, montant=300_000)
    dossier.refresh_from_db()
    assert dossier.etat == "en_instruction"
    assert LigneEnveloppe.objects.count() == lignes


def test_amount_above_the_rules_computation_is_refused(enveloppe_ara, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=50_000)
    with pytest.raises(CandidatureRefusee, match="dépasse le financement calculé"):
        candidatures.retenir(actor=agent, dossier=dossier, montant=60_000)


def test_no_envelope_for_the_region(ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="94")
    dossier = factories.dossier_depose(ref.og_corse, region=ref.corse)
    with pytest.raises(EnveloppeIntrouvable):
        candidatures.retenir(actor=agent, dossier=dossier, montant=10_000)


def test_only_national_admin_endows(enveloppe_ara, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        services.doter(actor=agent, enveloppe=enveloppe_ara, montant=1, libelle="x")


def test_national_dossier_commits_the_national_envelope(ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    nationale = services.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=None)
    services.doter(actor=admin, enveloppe=nationale, montant=1_000_000, libelle="Crédits nationaux")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, appel="national", montant=600_000)
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied, match="région pilote"):
        candidatures.retenir(actor=agent, dossier=dossier, montant=600_000)
    candidatures.retenir(actor=admin, dossier=dossier, montant=600_000)
    assert selectors.etat(nationale).disponible == 400_000


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_never_over_commit(ref, make_user):
    """12 agents decide at the same moment on 12 dossiers of 100 000 € against 550 000 €: exactly 5 pass."""
    admin = make_user(Role.ADMIN_NATIONAL)
    env = services.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    services.doter(actor=admin, enveloppe=env, montant=550_000, libelle="Délégation")
    agents = [make_user(Role.AGENT_ARS, region="84") for _ in range(12)]
    dossiers = [factories.dossier_depose(ref.og_ara, region=ref.ara, montant=100_000) for _ in range(12)]
    barrier = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(agent, dossier):
        try:
            barrier.wait()
            candidatures.retenir(actor=agent, dossier=dossier, montant=100_000)
            result = "ok"
        except EnveloppeInsuffisante:
            result = "refus"
        except Exception as exc:  # any other failure must fail the test, with its reason
            result = f"erreur {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=decide, args=(a, d)) for a, d in zip(agents, dossiers, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["ok"] * 5 + ["refus"] * 7, outcomes
    etat = selectors.etat(env)
    assert etat.disponible == 50_000
    assert etat.engage == 500_000
    assert LigneEnveloppe.objects.filter(enveloppe=env, type="engagement").count() == 5
    assert connection.vendor in ("sqlite", "postgresql")
