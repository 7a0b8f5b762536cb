"""Logging the browser in, for the journeys: through the login form (what a user does), through the form and the
national administrators' second factor, or by handing the browser a test client's session when the login itself
is not what the test is about (the login and the second factor are tested in tests/comptes)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests import factories

MOT_DE_PASSE = "mot-de-passe-test-1"  # tests.factories.make_user's


def par_formulaire(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def avec_second_facteur(page, admin) -> None:
    """The login form, then the code of the administrator's authenticator application (a confirmed device)."""
    TOTPDevice.objects.get_or_create(user=admin, name="application", defaults={"confirmed": True})
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(admin.username)
    page.locator("input[name=password]").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code à usage unique").fill(factories.code_totp(admin))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def par_session(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
