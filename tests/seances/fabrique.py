"""A séance's world: an ARA envelope of 500 000 €, three ARA dossiers in instruction, the agents."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from esms.comptes.models import Role
from esms.financement import services as enveloppes
from esms.seances import services
from tests import factories


def monde(*, dotation: int = 500_000, montants=(200_000, 150_000, 120_000)) -> SimpleNamespace:
    ref = factories.mini_referentiel()
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin-seance")
    agent = factories.make_user(Role.AGENT_ARS, username="agent-seance", region="84")
    dossiers = [factories.dossier_depose(ref.og_ara, region=ref.ara, montant=m) for m in montants]
    env = enveloppes.creer_enveloppe(actor=admin, campagne=dossiers[0].grappe.campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=dotation, libelle="Délégation")
    seance = services.creer(actor=agent, campagne=dossiers[0].grappe.campagne, region=ref.ara, date=date(2026, 12, 3),
                            titre="Comité de sélection ARA")
    return SimpleNamespace(ref=ref, admin=admin, agent=agent, dossiers=dossiers, enveloppe=env, seance=seance)
