"""Route × role: every URL pattern (walked from Django's resolver) and every API operation (from django-ninja's
router) is called, GET and POST, by every role — anonymous, porteur of another organisme, manager of other
establishments, vendor of another establishment, agent of another region, national administrator, and the
route's legitimate user as positive control — with the ids of objects that belong to the victim (`monde.py`).

Intruders must be refused (403, 404, 405, or the login page for anonymous visitors; 401 on the API), never
served the victim's data (its dossier numbers and grappe names never appear in what they get), never a 500.
Each request runs in a savepoint rolled back afterwards, so one route's writes cannot hide another's refusal.
A route without a rule in `routes.py` fails `test_chaque_route_a_une_regle`, naming the route.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from esms.api import services as api_services
from esms.api.api import api
from esms.api.forms import portees_ouvertes
from esms.comptes.models import Role
from esms.comptes.permissions import SYSTEME, role_of
from tests.securite import routes
from tests.securite.monde import construire

pytestmark = pytest.mark.django_db

UTILISATEURS = ("anonyme", "admin", *routes.INTRUS, "legitime")
REFUS = {403, 404, 405}


def _parcourir(motifs, prefixe: str = "", espace: str = ""):
    for motif in motifs:
        if isinstance(motif, URLResolver):
            sous_espace = f"{espace}{motif.namespace}:" if motif.namespace else espace
            yield from _parcourir(motif.url_patterns, prefixe + str(motif.pattern), sous_espace)
        else:
            yield prefixe + str(motif.pattern), motif, espace


def routes_web() -> dict[str, tuple[URLPattern, str]]:
    """Every URL pattern but the API operations (they are listed by `operations_api`)."""
    return {chemin: (motif, espace) for chemin, motif, espace in _parcourir(get_resolver().url_patterns)
            if getattr(motif.callback, "__module__", "") != "ninja.operation"}


def operations_api() -> set[str]:
    document = api.get_openapi_schema()
    return {f"{methode.upper()} {chemin.removeprefix('/api/v1')}"
            for chemin, operations in document["paths"].items() for methode in operations}


def test_chaque_route_a_une_regle():
    web = {c for c in routes_web() if not c.startswith(routes.ADMIN_PREFIXE)}
    sans_regle = sorted(web - set(routes.WEB) - routes.EN_ATTENTE)
    sans_regle += sorted(f"API {o}" for o in operations_api() - set(routes.API))
    assert not sans_regle, (
        "Routes sans règle d'accès dans tests/securite/routes.py (ajoutez-y leur règle) : " + ", ".join(sans_regle))
    perimees = sorted((set(routes.WEB) | routes.EN_ATTENTE) - web)
    perimees += sorted(f"API {o}" for o in set(routes.API) - operations_api())
    assert not routes.EN_ATTENTE & set(routes.WEB), "Route à la fois réglée et en attente : retirez-la de EN_ATTENTE"
    assert not perimees, "Règles de tests/securite/routes.py sans route : " + ", ".join(perimees)


@pytest.fixture
def monde(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    yield construire()
    cache.clear()


def _autorise(regle: routes.Regle, utilisateur, legitime, methode: str) -> bool:
    if regle.acces == routes.PUBLIC:
        # A link sent to one person: a signed-in user other than its addressee may open it, not act on it.
        return not (regle.jeton and methode == "POST" and utilisateur is not None and utilisateur.pk != legitime.pk)
    if utilisateur is None:
        return False
    if regle.acces == routes.CONNECTE and role_of(utilisateur) is None:
        return False  # an account without a role yet reaches its own account pages only
    if regle.acces not in (routes.CONNECTE, routes.COMPTE) and role_of(utilisateur) not in regle.acces:
        return False
    return not regle.objet or utilisateur.pk == legitime.pk or (regle.admin_inclus and _est_admin(utilisateur))


def _est_admin(utilisateur) -> bool:
    return utilisateur is not None and utilisateur.username == "admin-national"


def _fichiers(donnees: dict) -> dict:
    return {k: SimpleUploadedFile("fichier.csv", v) if isinstance(v, bytes) else v for k, v in donnees.items()}


class Appel:
    """One user's requests, on the web (session) or the API (a token holding every scope of its role)."""

    def __init__(self, utilisateur) -> None:
        self.utilisateur = utilisateur
        self.web = Client()
        self.api = Client()
        self.entetes = {}
        if role_of(utilisateur) is not None:  # an account without a role gets no API token
            portees = [code for code, _ in portees_ouvertes(utilisateur)]
            _, chaine = api_services.creer_jeton(actor=SYSTEME, utilisateur=utilisateur, nom="Test", portees=portees)
            self.entetes = {"HTTP_AUTHORIZATION": f"Bearer {chaine}"}

    def __call__(self, methode: str, chemin: str, corps: dict | None, *, est_api: bool):
        if est_api:
            client, url, entetes = self.api, f"/api/v1{chemin}", self.entetes
            if methode == "POST" and corps and not any(isinstance(v, bytes) for v in corps.values()):
                return client.post(url, json.dumps(corps), content_type="application/json", **entetes)
        else:
            client, url, entetes = self.web, chemin, {}
            if self.utilisateur is not None:
                client.force_login(self.utilisateur)
        if methode == "POST":
            return client.post(url, _fichiers(corps or {}), **entetes)
        return client.get(url, **entetes)


def _verifier(constats, route, methode, regle, reponse, utilisateur, legitime, monde, est_api, temoin_intact):
    statut = reponse.status_code
    if statut >= 500:
        constats.append(routes.Constat(route, methode, statut, "erreur serveur"))
        return
    autorise = _autorise(regle, utilisateur, legitime, methode)
    initie = utilisateur is not None and (utilisateur.pk == legitime.pk or _est_admin(utilisateur))
    if not initie and statut < 400 and not getattr(reponse, "streaming", False):
        contenu = reponse.content.decode("utf-8", "replace")
        fuites = [m for m in monde.marqueurs if m in contenu]
        if fuites:
            constats.append(routes.Constat(route, methode, statut, f"données de la victime servies : {fuites}"))
    if methode not in regle.methodes:
        return  # a method the route does not serve: only "no 500" matters (405 or the login page)
    if autorise:
        if methode == "GET" and statut >= 400 and statut != regle.servi:
            constats.append(routes.Constat(route, methode, statut, f"refusé à un utilisateur autorisé ({regle.servi} "
                                                                    "attendu)"))
        if methode == "POST" and statut in (401, 403, 404):
            constats.append(routes.Constat(route, methode, statut, "écriture refusée à un utilisateur autorisé"))
        return
    if utilisateur is None or (est_api and role_of(utilisateur) is None):  # no role: no API token, as anonymous
        if est_api:
            attendu = statut == 401
        else:
            attendu = statut == 302 and reverse("comptes:login") in reponse["Location"]
    else:
        attendu = statut in REFUS or (regle.temoin is not None and statut in (302, 400) and temoin_intact)
    if not attendu:
        constats.append(routes.Constat(route, methode, statut, "non refusé"))


def _appeler(appel, methode, chemin, corps, est_api, route, constats, temoin):
    """The response, and whether the victim's state watched by `temoin` is unchanged after it (then rolled back)."""
    avant = temoin() if temoin else None
    with transaction.atomic():
        try:
            reponse = appel(methode, chemin, corps, est_api=est_api)
            return reponse, (temoin() == avant if temoin else True)
        except Exception as exc:  # noqa: BLE001 — the test reports it as the server error it would be
            constats.append(routes.Constat(route, methode, 500, f"exception {type(exc).__name__}: {exc}"))
            return None, True
        finally:
            transaction.set_rollback(True)


def _utilisateur(monde, qui: str, regle: routes.Regle):
    if qui == "anonyme":
        return None
    if qui == "legitime":
        return getattr(monde, regle.legitime)
    if qui == "admin":
        return monde.admin
    return getattr(monde, qui)


@pytest.mark.parametrize("qui", UTILISATEURS)
def test_chaque_route_refuse_les_intrus(qui, monde):
    constats: list[routes.Constat] = []
    appels: dict = {}
    tables = [(nom, regle, False) for nom, regle in routes.WEB.items()]
    tables += [(nom, regle, True) for nom, regle in routes.API.items()]
    for nom, regle, est_api in tables:
        utilisateur = _utilisateur(monde, qui, regle)
        cle = utilisateur.pk if utilisateur else None
        appel = appels.get(cle) or appels.setdefault(cle, Appel(utilisateur))
        legitime = getattr(monde, regle.legitime)
        chemin = regle.adresse(monde)
        if est_api:
            methodes = regle.methodes  # ninja answers 405 on other methods (checked in tests/api)
            route = f"API {nom}"
        else:
            methodes = ("GET", "POST")
            route = nom
        for methode in methodes:
            corps = regle.corps(monde) if regle.corps and methode == "POST" else None
            temoin = (lambda regle=regle: regle.temoin(monde)) if regle.temoin else None
            reponse, intact = _appeler(appel, methode, chemin, corps, est_api, route, constats, temoin)
            if reponse is not None:
                _verifier(constats, route, methode, regle, reponse, utilisateur, legitime, monde, est_api, intact)
    assert not constats, f"{qui} : " + "\n".join(str(c) for c in constats)


def _adresse_admin(chemin: str, motif: URLPattern, espace: str, monde) -> str:
    valeurs = {"app_label": "comptes", "object_id": str(monde.porteur_ara.pk), "content_type_id": "1",
               "url": "comptes/user/"}
    if motif.name is None:  # e.g. the admin's redirect to a model's change page
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda g: valeurs.get(g.group(1), "1"), chemin)
    noms = list(motif.pattern.regex.groupindex)
    return reverse(f"{espace}{motif.name}", kwargs={n: valeurs.get(n, "1") for n in noms})


@pytest.mark.parametrize("role", [None, *Role])
def test_l_admin_django_est_reserve_au_personnel(role, ref, make_user):
    """No user of the platform is staff: every page of Django's admin sends them to its login page."""
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    monde = SimpleNamespace(porteur_ara=porteur)
    portee = {Role.AGENT_ARS: {"region": "94"}, Role.RESPONSABLE_OG: {"organismes": [ref.og_corse.pk]},
              Role.GESTIONNAIRE_ESSMS: {"etablissements": [ref.et_corse[0].pk]},
              Role.EDITEUR: {"etablissements": [ref.et_corse[0].pk]}}
    utilisateur = make_user(role, **portee.get(role, {})) if role else None
    client = Client()
    constats = []
    for chemin, (motif, espace) in routes_web().items():
        if not chemin.startswith(routes.ADMIN_PREFIXE) or chemin in routes.ADMIN_PUBLIC:
            continue
        adresse = _adresse_admin(chemin, motif, espace, monde)
        if utilisateur is not None:
            client.force_login(utilisateur)
        for methode in ("get", "post"):
            reponse = getattr(client, methode)(adresse)
            if not (reponse.status_code == 302 and re.match(r"/admin/login/", reponse["Location"])):
                constats.append(f"{methode.upper()} {adresse} → {reponse.status_code}")
    assert not constats, f"{role} : " + ", ".join(constats)
