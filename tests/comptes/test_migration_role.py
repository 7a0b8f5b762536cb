"""Migration 0005 renames the stored user role « porteur » to « responsable_og », and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

AVANT = [("comptes", "0004_courriels_rattachements")]
APRES = [("comptes", "0005_role_responsable_og")]


def _migrer(cible):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(cible)
    return executor.loader.project_state(cible).apps


@pytest.mark.django_db(transaction=True)
def test_le_role_porteur_devient_responsable_og_et_revient():
    apps = _migrer(AVANT)
    User = apps.get_model("comptes", "User")
    User.objects.create(username="ancien-porteur", role="porteur")
    User.objects.create(username="agent", role="agent_ars")

    apps = _migrer(APRES)
    roles = dict(apps.get_model("comptes", "User").objects.values_list("username", "role"))
    assert roles == {"ancien-porteur": "responsable_og", "agent": "agent_ars"}

    apps = _migrer(AVANT)
    roles = dict(apps.get_model("comptes", "User").objects.values_list("username", "role"))
    assert roles == {"ancien-porteur": "porteur", "agent": "agent_ars"}
    _migrer(APRES)
