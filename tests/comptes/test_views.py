"""Login, navigation by role, audit page access, French error pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from esms.comptes.models import Role


def test_home_is_public_and_french(client, db):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Se connecter" in html
    assert 'href="#content"' in html  # skip link


def test_login_with_wrong_password_shows_french_error(client, ref, make_user):
    make_user(Role.ADMIN_NATIONAL, username="admin", password="bon-mot-de-passe-1")
    response = client.post(reverse("comptes:login"), {"username": "admin", "password": "mauvais"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_navigation_depends_on_role(client, ref, make_user):
    make_user(Role.ADMIN_NATIONAL, username="admin", password="bon-mot-de-passe-1")
    make_user(Role.RESPONSABLE_OG, username="porteur", password="bon-mot-de-passe-1", organismes=[ref.og_ara.pk])
    client.login(request=HttpRequest(), username="admin", password="bon-mot-de-passe-1")
    assert "Journal d&#x27;audit" in client.get("/").content.decode()
    client.logout()
    client.login(request=HttpRequest(), username="porteur", password="bon-mot-de-passe-1")
    html = client.get("/").content.decode()
    assert "Journal d&#x27;audit" not in html
    assert "Établissements" in html


def test_audit_page_is_for_national_admins_only(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="agent", password="bon-mot-de-passe-1", region="84")
    client.login(request=HttpRequest(), username="agent", password="bon-mot-de-passe-1")
    response = client.get(reverse("comptes:audit"))
    assert response.status_code == 403
    assert "habilité" in response.content.decode()


def test_audit_page_lists_events(client, ref, make_user):
    make_user(Role.ADMIN_NATIONAL, username="admin", password="bon-mot-de-passe-1")
    make_user(Role.AGENT_ARS, username="agent-idf", region="84")
    client.login(request=HttpRequest(), username="admin", password="bon-mot-de-passe-1")
    response = client.get(reverse("comptes:audit"), {"action": "comptes.creer"})
    assert response.status_code == 200
    assert "agent-idf" in response.content.decode()


def test_anonymous_is_redirected_to_login(client, db):
    response = client.get(reverse("comptes:audit"))
    assert response.status_code == 302
    assert reverse("comptes:login") in response["Location"]


def test_logout(client, ref, make_user):
    make_user(Role.ADMIN_NATIONAL, username="admin", password="bon-mot-de-passe-1")
    client.login(request=HttpRequest(), username="admin", password="bon-mot-de-passe-1")
    response = client.post(reverse("comptes:logout"))
    assert response.status_code == 302
    assert client.get(reverse("comptes:audit")).status_code == 302


def test_notifications_are_personal_and_can_be_marked_read(client, ref, make_user):
    from esms.comptes.models import Notification
    from esms.comptes.notifications import notifier

    moi = make_user(Role.AGENT_ARS, username="moi", password="bon-mot-de-passe-1", region="84")
    autre = make_user(Role.AGENT_ARS, region="84")
    notifier([moi], sujet="Dossier 2024-84-00001 : déposé", lien="/")
    notifier([autre], sujet="Secret de l'autre")
    client.login(request=HttpRequest(), username="moi", password="bon-mot-de-passe-1")
    html = client.get(reverse("comptes:notifications")).content.decode()
    assert "2024-84-00001" in html and "Secret de l" not in html
    assert "(1 non lue)" in html
    client.post(reverse("comptes:notifications_lues"))
    assert not Notification.objects.filter(destinataire=moi, lue=False).exists()
    assert Notification.objects.filter(destinataire=autre, lue=False).exists()
