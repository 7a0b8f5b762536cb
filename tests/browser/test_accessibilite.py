"""Issue 16, point 7: every page a role reaches by following the platform's own links, at 1 280 px, passes
axe-core's WCAG 2.1 A/AA rules with no violation and has no horizontal scroll — for the public, a porteur
(organisme gestionnaire), an establishment manager, an ARS agent and a national administrator."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from esms.comptes.models import Role
from esms.financement import services as enveloppes
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES_PAR_ROLE = 40
# Downloads, log-out, the Django admin and the API are not pages of the journeys.
EXCLUS = re.compile(r"(\.(csv|xlsx|ods|json|pdf|parquet|zip|svg)$)|export|format=|/deconnexion|/logout|^/admin/|^/api/|"
                    r"/proconnect/|/static/|/media/|/documents/\d+/|/justificatif/")


def _programme():
    ref = factories.mini_referentiel()
    campagne = factories.campagne("2024")
    factories.version_parametres(campagne)
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin")
    env = enveloppes.creer_enveloppe(actor=admin, campagne=campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=250_000, libelle="Délégation FMIS")
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur", organismes=[ref.og_ara.pk])
    factories.dossier_brouillon(porteur, ref.og_ara, ref.et_ara, pieces=True, nom="Grappe des Tilleuls")
    factories.dossier_depose(ref.og_ara, region=ref.ara)
    return {
        "public": None,
        "porteur": porteur,
        "gestionnaire": factories.make_user(Role.GESTIONNAIRE_ESSMS, username="gestionnaire",
                                            etablissements=[ref.et_ara[0].pk]),
        "agent": factories.make_user(Role.AGENT_ARS, username="agent", region="84"),
        "admin": admin,
    }


_connecter = par_session


def _liens(page, origine: str) -> list[str]:
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    chemins = []
    for href in hrefs:
        morceaux = urlsplit(href)
        chemin = morceaux.path + (f"?{morceaux.query}" if morceaux.query else "")
        if f"{morceaux.scheme}://{morceaux.netloc}" == origine and not EXCLUS.search(chemin):
            chemins.append(chemin)
    return chemins


@pytest.mark.parametrize("role", ["public", "porteur", "gestionnaire", "agent", "admin"])
def test_every_page_a_role_reaches_is_accessible_at_1280_px(page, live_server, role):
    user = _programme()[role]
    if user is not None:
        _connecter(page, live_server, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    a_visiter, vues, problemes = [reverse("accueil")], set(), []
    while a_visiter and len(vues) < PAGES_PAR_ROLE:
        chemin = a_visiter.pop(0)
        if chemin in vues:
            continue
        vues.add(chemin)
        reponse = page.goto(chemin)
        assert reponse is not None and reponse.status < 500, f"{chemin} : erreur {reponse and reponse.status}"
        try:
            verifier(page, contexte=f"{role} {chemin}")
        except AssertionError as erreur:
            problemes.append(str(erreur))
        a_visiter.extend(c for c in _liens(page, live_server.url) if c not in vues)
    assert len(vues) >= (3 if role == "public" else 5), f"{role} n'a atteint que {sorted(vues)}"
    assert not problemes, "\n\n".join(problemes)


def test_the_check_fails_on_an_inaccessible_page(page, live_server):
    """The check itself can fail: an image without text alternative, a too-wide block and a clipped logo."""
    page.goto(reverse("accueil"))
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="/static/x.png"><div id="large">large</div>');
        document.getElementById('large').style.width = '3000px';  // CSSOM: allowed by the CSP
        document.querySelector('.fr-header .fr-logo').style.width = '40px';
    }""")
    with pytest.raises(AssertionError) as erreur:
        verifier(page)
    message = str(erreur.value)
    assert "image-alt" in message and "défilement horizontal" in message and "tronqué" in message


@pytest.mark.parametrize("largeur", [1440, 1280, 1024, 768, 375])
def test_the_header_of_a_logged_in_agent_is_whole_at_every_width(page, live_server, largeur):
    """Issue 16: the State logo was clipped to « RÉPUBLIQUI / FRANÇAI » by the logged-in header's tools, and the
    agent's menu ran off the window."""
    factories.mini_referentiel()
    _connecter(page, live_server, factories.make_user(Role.AGENT_ARS, username="agent", region="84"))
    page.set_viewport_size({"width": largeur, "height": 800})
    page.goto(reverse("accueil"))
    verifier(page, contexte=f"accueil de l'agent à {largeur} px")
