"""Fixtures shared by the envelope tests: the national admin and an endowed envelope of Auvergne-Rhône-Alpes."""

from __future__ import annotations

import pytest

from esms.comptes.models import Role
from esms.financement import services
from tests import factories


@pytest.fixture
def admin(ref, make_user):
    return make_user(Role.ADMIN_NATIONAL)


@pytest.fixture
def env_ara(ref, admin):
    env = services.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    services.doter(actor=admin, enveloppe=env, montant=250_000, libelle="Délégation FMIS")
    return env
