"""National administrators must pass a TOTP step (django-otp); other roles do not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from esms.comptes.double_facteur import codes_de_secours
from esms.comptes.models import AuditEvent, Role
from tests.factories import code_totp

MDP = "bon-mot-de-passe-1"


def _fin_du_ralentissement():
    """django-otp slows down a device after a wrong code (1 s, then doubling): let that delay pass."""
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


@pytest.fixture
def client_sans_double_facteur(client, monkeypatch):
    """A client logging in through the login form only (no test shortcut for the TOTP step)."""
    return client


def _connexion(client, username):
    return client.post(reverse("comptes:login"), {"username": username, "password": MDP, "next": "/pilotage/"})


def test_admin_without_authenticator_must_enrol_before_anything(client_sans_double_facteur, ref, make_user):
    client = client_sans_double_facteur
    admin = make_user(Role.ADMIN_NATIONAL, username="admin", password=MDP)
    _connexion(client, "admin")
    response = client.get(reverse("comptes:audit"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("comptes:otp_enrolement"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and 'id="cle-totp"' in page
    assert client.post(reverse("comptes:otp_enrolement"), {"code": "000000"}).status_code == 200
    assert client.get(reverse("comptes:audit")).status_code == 302
    _fin_du_ralentissement()
    response = client.post(reverse("comptes:otp_enrolement"),
                           {"code": code_totp(admin), "next": reverse("comptes:audit")})
    assert response.status_code == 302 and response["Location"] == reverse("comptes:audit")
    assert client.get(reverse("comptes:audit")).status_code == 200
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert AuditEvent.objects.filter(action="comptes.double_facteur_active", actor=admin).exists()


def test_admin_with_authenticator_must_type_a_code_each_login(client_sans_double_facteur, ref, make_user):
    client = client_sans_double_facteur
    admin = make_user(Role.ADMIN_NATIONAL, username="admin", password=MDP)
    TOTPDevice.objects.create(user=admin, name="téléphone", confirmed=True)
    _connexion(client, "admin")
    response = client.get(reverse("comptes:audit"))
    assert response["Location"].startswith(reverse("comptes:otp"))
    faux = client.post(reverse("comptes:otp"), {"code": "123456"})
    assert "Code incorrect" in faux.content.decode()
    assert AuditEvent.objects.filter(action="comptes.double_facteur_echoue").count() == 1
    code = code_totp(admin)
    # Right after a wrong code even the right one waits (django-otp's throttling).
    assert "Code incorrect" in client.post(reverse("comptes:otp"), {"code": code}).content.decode()
    _fin_du_ralentissement()
    assert client.post(reverse("comptes:otp"), {"code": code}).status_code == 302
    assert client.get(reverse("comptes:audit")).status_code == 200
    # A new session needs a new code; the code just used cannot be replayed.
    client.post(reverse("comptes:logout"))
    _connexion(client, "admin")
    assert client.get(reverse("comptes:audit")).status_code == 302
    assert "Code incorrect" in client.post(reverse("comptes:otp"), {"code": code}).content.decode()


def test_backup_code_is_single_use(client_sans_double_facteur, ref, make_user):
    client = client_sans_double_facteur
    admin = make_user(Role.ADMIN_NATIONAL, username="admin", password=MDP)
    codes_de_secours(admin, ["secours-0001"])
    _connexion(client, "admin")
    assert client.post(reverse("comptes:otp"), {"code": "secours-0001"}).status_code == 302
    client.post(reverse("comptes:logout"))
    _connexion(client, "admin")
    assert "Code incorrect" in client.post(reverse("comptes:otp"), {"code": "secours-0001"}).content.decode()


def test_other_roles_need_no_second_factor(client_sans_double_facteur, ref, make_user):
    client = client_sans_double_facteur
    make_user(Role.AGENT_ARS, username="agent", password=MDP, region="84")
    _connexion(client, "agent")
    assert client.get(reverse("comptes:notifications")).status_code == 200


def test_next_cannot_leave_the_site(client_sans_double_facteur, ref, make_user):
    client = client_sans_double_facteur
    admin = make_user(Role.ADMIN_NATIONAL, username="admin", password=MDP)
    TOTPDevice.objects.create(user=admin, name="téléphone", confirmed=True)
    _connexion(client, "admin")
    response = client.post(reverse("comptes:otp"), {"code": code_totp(admin), "next": "https://pirate.example/"})
    assert response["Location"] == "/"
