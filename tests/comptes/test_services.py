"""Account services: validation of scopes and the audit event they write."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from esms.comptes.models import AuditEvent, Role, User
from esms.comptes.permissions import SYSTEME
from esms.comptes.services import create_user


def test_create_user_records_an_audit_event(ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    user = create_user(actor=admin, username="agent.ara", password="x" * 16, role=Role.AGENT_ARS, region="84")
    event = AuditEvent.objects.get(action="comptes.creer", object_id=str(user.pk))
    assert event.actor == admin
    assert event.after["region"] == "84"
    assert event.after["role"] == "agent_ars"


@pytest.mark.parametrize(("role", "field"), [
    (Role.AGENT_ARS, "region"), (Role.RESPONSABLE_OG, "organismes"),
    (Role.GESTIONNAIRE_ESSMS, "etablissements"), (Role.EDITEUR, "etablissements"),
])
def test_a_scoped_role_needs_its_scope_and_nothing_is_written(db, role, field):
    with pytest.raises(ValidationError) as err:
        create_user(actor=SYSTEME, username="sans-perimetre", password="x" * 16, role=role)
    assert field in err.value.message_dict
    assert not User.objects.filter(username="sans-perimetre").exists()
    assert not AuditEvent.objects.exists()


def test_only_national_admin_creates_accounts(ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        create_user(actor=agent, username="intrus", password="x" * 16, role=Role.ADMIN_NATIONAL)
    assert not User.objects.filter(username="intrus").exists()


def test_duplicate_username_is_refused_in_french(ref, make_user):
    make_user(Role.ADMIN_NATIONAL, username="camille")
    with pytest.raises(ValidationError) as err:
        create_user(actor=SYSTEME, username="camille", password="x" * 16, role=Role.ADMIN_NATIONAL)
    assert "déjà utilisé" in err.value.message_dict["username"][0]
