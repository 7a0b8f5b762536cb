"""The permission layer: role capabilities and object scopes for every role."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from esms.comptes.models import Role
from esms.comptes.permissions import PERMISSIONS, filter_scope, get_in_scope, has_perm, require
from esms.referentiel.models import Etablissement


def test_every_action_names_known_roles():
    for action, roles in PERMISSIONS.items():
        assert "." in action
        assert roles <= set(Role)


def test_unknown_action_is_a_programming_error(make_user):
    with pytest.raises(KeyError):
        has_perm(make_user(Role.ADMIN_NATIONAL), "referentiel.inexistant")


def test_anonymous_has_no_permission_and_sees_nothing(ref):
    anon = AnonymousUser()
    assert not any(has_perm(anon, action) for action in PERMISSIONS)
    assert filter_scope(anon, Etablissement.objects.all()).count() == 0


def test_national_admin_sees_everything(ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    assert filter_scope(admin, Etablissement.objects.all()).count() == Etablissement.objects.count() == 4
    require(admin, "audit.consulter")


def test_ars_agent_sees_only_its_region(ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    visible = set(filter_scope(agent, Etablissement.objects.all()).values_list("pk", flat=True))
    assert visible == {et.pk for et in ref.et_ara}
    require(agent, "referentiel.qualifier", ref.et_ara[0])
    with pytest.raises(PermissionDenied):
        require(agent, "referentiel.qualifier", ref.et_corse[0])
    with pytest.raises(Http404):
        get_in_scope(agent, Etablissement.objects.all(), pk=ref.et_corse[0].pk)
    with pytest.raises(PermissionDenied):
        require(agent, "audit.consulter")


def test_porteur_sees_the_establishments_of_its_ej(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    visible = set(filter_scope(porteur, Etablissement.objects.all()).values_list("pk", flat=True))
    assert visible == {et.pk for et in ref.et_corse}
    assert not has_perm(porteur, "referentiel.qualifier")


@pytest.mark.parametrize("role", [Role.GESTIONNAIRE_ESSMS, Role.EDITEUR])
def test_essms_manager_and_vendor_see_their_establishments_only(ref, make_user, role):
    user = make_user(role, etablissements=[ref.et_ara[1].pk])
    assert list(filter_scope(user, Etablissement.objects.all()).values_list("pk", flat=True)) == [ref.et_ara[1].pk]


def test_inactive_user_has_no_permission(ref, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    admin.is_active = False
    assert not has_perm(admin, "referentiel.consulter")
