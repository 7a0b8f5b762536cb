"""Issue 9 point 7: failed logins are throttled and locked out, idle sessions expire, security events audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from esms.comptes.models import AuditEvent, Role

MDP = "bon-mot-de-passe-1"


def _connexion(client, username, password):
    return client.post(reverse("comptes:login"), {"username": username, "password": password})


def test_thirty_wrong_passwords_then_the_right_one_do_not_log_in(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="cible", password=MDP, region="84")
    for _ in range(30):
        _connexion(client, "cible", "devine-123456")
    response = _connexion(client, "cible", MDP)
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("comptes:notifications")).status_code == 302  # still anonymous


def test_lockout_starts_at_the_configured_limit_and_is_audited(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="cible", password=MDP, region="84")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _connexion(client, "cible", "mauvais").status_code == 200
    assert _connexion(client, "cible", "mauvais").status_code == 429
    assert AuditEvent.objects.filter(action="comptes.connexion_echouee", object_id="cible").count() == \
        settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="comptes.verrouillage", object_id="cible").exists()
    _connexion(client, "cible", MDP)
    assert AuditEvent.objects.filter(action="comptes.connexion_refusee", object_id="cible").exists()
    assert not AuditEvent.objects.filter(action="comptes.connexion").exists()


def test_lockout_ends_after_the_cool_off(client, ref, make_user):
    from axes.models import AccessAttempt

    make_user(Role.AGENT_ARS, username="cible", password=MDP, region="84")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _connexion(client, "cible", "mauvais")
    assert _connexion(client, "cible", MDP).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
    assert _connexion(client, "cible", MDP).status_code == 302


def test_a_locked_username_does_not_lock_another_user(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="cible", password=MDP, region="84")
    make_user(Role.AGENT_ARS, username="voisin", password=MDP, region="84")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _connexion(client, "cible", "mauvais")
    assert _connexion(client, "voisin", MDP).status_code == 302


def test_success_below_the_limit_resets_the_count(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="cible", password=MDP, region="84")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _connexion(client, "cible", "mauvais")
    assert _connexion(client, "cible", MDP).status_code == 302
    client.post(reverse("comptes:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _connexion(client, "cible", "mauvais")
    assert _connexion(client, "cible", MDP).status_code == 302


def test_login_and_logout_are_audited_with_the_address(client, ref, make_user):
    user = make_user(Role.AGENT_ARS, username="agent", password=MDP, region="84")
    _connexion(client, "agent", MDP)
    client.post(reverse("comptes:logout"))
    connexion = AuditEvent.objects.get(action="comptes.connexion")
    assert connexion.actor == user and connexion.after["ip"] == "127.0.0.1"
    assert AuditEvent.objects.get(action="comptes.deconnexion").actor == user
    echec = _connexion(client, "agent", "faux-mot-de-passe")
    assert echec.status_code == 200
    event = AuditEvent.objects.get(action="comptes.connexion_echouee")
    assert event.object_repr == "agent" and "faux-mot-de-passe" not in str(event.after)


def test_idle_session_expires(client, ref, make_user):
    make_user(Role.AGENT_ARS, username="agent", password=MDP, region="84")
    _connexion(client, "agent", MDP)
    assert client.get(reverse("comptes:notifications")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # Each request pushes the expiry to now + the configured idle time.
    restant = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < restant <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Activity pushes the expiry (written at most once a minute, not on every request).
    session_client = client.session
    session_client["esms_activite"] = 0
    session_client.save()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=2))
    assert client.get(reverse("comptes:notifications")).status_code == 200
    restant = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert restant > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # Idle longer than that: the session is gone, the next request is anonymous.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("comptes:notifications"))
    assert response.status_code == 302 and reverse("comptes:login") in response["Location"]


def test_idle_time_is_configurable(monkeypatch):
    import importlib

    import esms.settings.base as base

    monkeypatch.setenv("ESMS_SESSION_INACTIVITE_MINUTES", "7")
    monkeypatch.setenv("ESMS_LOGIN_MAX_ECHECS", "9")
    try:
        rechargé = importlib.reload(base)
        assert rechargé.SESSION_COOKIE_AGE == 7 * 60
        assert rechargé.AXES_FAILURE_LIMIT == 9
    finally:
        monkeypatch.undo()
        importlib.reload(base)


@pytest.mark.parametrize("chemin", ["comptes:audit"])
def test_refused_page_is_audited(client, ref, make_user, chemin):
    agent = make_user(Role.AGENT_ARS, username="agent", region="84")
    client.force_login(agent)
    assert client.get(reverse(chemin)).status_code == 403
    event = AuditEvent.objects.get(action="acces.refuse")
    assert event.actor == agent and event.object_repr == f"GET {reverse(chemin)}"
    assert "habilité" in event.comment


def test_refused_api_call_is_audited(client, ref, make_user):
    from esms.api.services import creer_jeton

    porteur = make_user(Role.RESPONSABLE_OG, username="porteur", organismes=[ref.og_ara.pk])
    jeton, chaine = creer_jeton(actor=porteur, utilisateur=porteur, nom="test", portees=["referentiel:lire"])
    response = client.get("/api/v1/enveloppes", HTTP_AUTHORIZATION=f"Bearer {chaine}")
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="acces.refuse")
    assert event.object_repr == "GET /api/v1/enveloppes"
