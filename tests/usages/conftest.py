"""Fixtures of the usages tests: the porteur, the lead-region agent and a dossier in usage follow-up."""

from __future__ import annotations

import pytest

from esms.comptes.models import Role
from tests.usages.fabrique import construire_dossier


@pytest.fixture
def porteur(ref, make_user):
    return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84")


@pytest.fixture
def suivi(ref, porteur, agent):
    return construire_dossier(ref, porteur, agent)
