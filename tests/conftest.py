"""Shared test fixtures: the shared data folder, small référentiel objects, users of every role, a browser."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """At the end of the session, before the test database is dropped: close this process's connections and, on
    PostgreSQL, end those still held by threads (the live server's request threads of the browser tests, the
    concurrency tests' workers) — otherwise PostgreSQL refuses to drop a database « being accessed by other users »."""
    yield
    from django.db import connection, connections

    connections.close_all()
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as curseur:
            curseur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        connections.close_all()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(settings.SHARED_DATA_DIR)
    if not (path / "README.md").exists():
        pytest.skip(f"données partagées absentes ({path}) : test sur données réelles ignoré")
    return path


@pytest.fixture(autouse=True)
def cache_vide():
    """Each test starts with an empty cache: a dashboard cached by an earlier test (same page, same filters, other
    data) would otherwise be served to the next one, whatever the order."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def double_facteur_des_tests(monkeypatch):
    """National administrators need a TOTP step: a test client logged in with force_login/login passes it.

    The two-factor pages themselves are tested in tests/comptes/test_double_facteur.py without this shortcut
    (`client_sans_double_facteur`).
    """
    from django.test import Client

    force_login, login = Client.force_login, Client.login

    def force_login_verifie(self, user, backend=None):
        force_login(self, user, backend)
        factories.verifier_double_facteur(self, user)

    def login_verifie(self, **credentials):
        ok = login(self, **credentials)
        if ok:
            from django.contrib.auth import get_user_model

            factories.verifier_double_facteur(self, get_user_model().objects.get(username=credentials["username"]))
        return ok

    monkeypatch.setattr(Client, "force_login", force_login_verifie)
    monkeypatch.setattr(Client, "login", login_verifie)


@pytest.fixture(scope="session")
def _serveur_smtp():
    from tests.serveurs.smtp import ServeurSMTP

    serveur = ServeurSMTP().demarrer()
    yield serveur
    serveur.arreter()


@pytest.fixture
def smtp(_serveur_smtp, settings):
    """A real SMTP server on loopback (started once per session), Django's SMTP backend pointed at it; the
    messages it received are in `smtp.boite.recus`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _serveur_smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    _serveur_smtp.boite.vider()
    yield _serveur_smtp
    _serveur_smtp.boite.vider()


COMPTES_OIDC = {
    "agent.ara": {"email": "agent.ara@ars.sante.fr", "given_name": "Alex", "usual_name": "Martin"},
    "inconnu": {"email": "personne@ars.sante.fr", "given_name": "Personne", "usual_name": "Inconnue"},
}


def _fournisseur_oidc(**options):
    from tests.serveurs import oidc

    raison = oidc.indisponible()
    if raison:
        if os.environ.get("ESMS_REQUIRE_OIDC") == "1":
            pytest.fail(f"fournisseur OpenID indisponible alors que ESMS_REQUIRE_OIDC=1 : {raison}")
        pytest.skip(f"fournisseur OpenID indisponible : {raison}")
    return oidc.FournisseurOIDC(COMPTES_OIDC, **options)


@pytest.fixture(scope="session")
def fournisseur_oidc():
    """A real OpenID provider (npm oidc-provider on Node.js) on loopback, started once per session."""
    fournisseur = _fournisseur_oidc()
    yield fournisseur
    fournisseur.arreter()


@pytest.fixture(scope="session")
def fournisseur_oidc_en_retard():
    """The same provider with a clock 5 minutes late and 1-minute ID tokens: they arrive already expired."""
    fournisseur = _fournisseur_oidc(decalage_secondes=300, ttl_id_token=60)
    yield fournisseur
    fournisseur.arreter()


@pytest.fixture
def ref(db):
    """Two regions (ARA, Corse) with a département, a category, an EJ and two ET each."""
    return factories.mini_referentiel()


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("ESMS_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        if os.environ.get("ESMS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium introuvable ({path}) alors que ESMS_REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium introuvable ({path}) : installez le paquet Debian « chromium »")
    return path


CAPTURES = Path(__file__).resolve().parents[1] / "var" / "captures"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps the outcome of each test's call on the item, so that the browser fixture knows it failed."""
    rapport = yield
    if rapport.when == "call":
        item.rapport_appel = rapport
    return rapport


@pytest.fixture
def page(chromium_path, live_server, monkeypatch, request):
    """A Playwright page in Debian's Chromium, pointed at the live test server. When the test fails, a full-page
    screenshot of where it stopped is kept in var/captures/ (CI keeps var/ as its artefacts)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        pg = context.new_page()
        # Waiting assertions return as soon as the condition holds: a generous limit costs nothing when all is
        # well and keeps a loaded CI machine (rendering a PDF, a cold query) from failing a correct test.
        pg.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)
        yield pg
        rapport = getattr(request.node, "rapport_appel", None)
        if rapport is not None and rapport.failed:
            CAPTURES.mkdir(parents=True, exist_ok=True)
            nom = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            pg.screenshot(path=CAPTURES / f"{nom}.png", full_page=True)
        context.close()
        browser.close()
