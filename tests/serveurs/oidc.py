"""A real OpenID Connect provider (npm « oidc-provider », tests/oidc) run by the machine's Node.js on loopback,
and a user agent that goes through its login and consent pages as a person would."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests

from tests.serveurs.smtp import port_libre

DOSSIER = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID, CLIENT_SECRET = "esms-tests", "secret-des-tests-esms"
RETOUR = "http://testserver/comptes/proconnect/retour/"
APRES_DECONNEXION = "http://testserver/"


def indisponible() -> str | None:
    """Why the provider cannot run here (None when it can)."""
    if shutil.which("node") is None:
        return "Node.js absent : installez le paquet Debian « nodejs »"
    if not (DOSSIER / "node_modules" / "oidc-provider").exists():
        return "dépendances npm absentes : lancez « npm ci --prefix tests/oidc » (fait par make test)"
    return None


class FournisseurOIDC:
    def __init__(self, comptes: dict[str, dict], *, decalage_secondes: int = 0, ttl_id_token: int = 3600) -> None:
        self.port = port_libre()
        self.issuer = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PORT": str(self.port), "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
               "REDIRECT_URIS": RETOUR, "POST_LOGOUT_URIS": APRES_DECONNEXION, "COMPTES": json.dumps(comptes),
               "DECALAGE_SECONDES": str(decalage_secondes), "TTL_ID_TOKEN": str(ttl_id_token)}
        self.process = subprocess.Popen(["node", "fournisseur.mjs"], cwd=DOSSIER, env=env, text=True,  # noqa: S603,S607
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        prets, _, _ = select.select([self.process.stdout], [], [], 30)
        ligne = self.process.stdout.readline() if prets else ""
        if not ligne.startswith("pret "):
            self.arreter()
            raise RuntimeError(f"le fournisseur OpenID n'a pas démarré (sortie : {ligne!r})")
        self.configuration = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()

    def reglages(self) -> dict:
        c = self.configuration
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET, "OIDC_OP_ISSUER": c["issuer"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": c["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": c["token_endpoint"], "OIDC_OP_USER_ENDPOINT": c["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": c["jwks_uri"], "OIDC_OP_LOGOUT_ENDPOINT": c["end_session_endpoint"],
        }

    def arreter(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _formulaire(html: str) -> tuple[str, dict[str, str]]:
    """The action and hidden fields of the first form of a provider page."""
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', html).group(1))
    champs = {unescape(n): unescape(v) for n, v in
              re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)}
    return action, champs


class Navigateur:
    """The person's browser on the provider side (its own cookies), handing back the redirect to our site."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def _suivre(self, reponse: requests.Response, base: str, login: str) -> str:
        for _ in range(20):
            if reponse.is_redirect:
                cible = requests.compat.urljoin(base, reponse.headers["Location"])
                if cible.startswith("http://testserver/"):
                    return cible.removeprefix("http://testserver")
                reponse = self.session.get(cible, allow_redirects=False, timeout=10)
                continue
            html = reponse.text
            action, champs = _formulaire(html)
            action = requests.compat.urljoin(base, action)
            if 'name="prompt" value="login"' in html:
                champs.update({"prompt": "login", "login": login, "password": "peu-importe"})
            elif 'name="prompt" value="consent"' in html:
                champs["prompt"] = "consent"
            elif 'id="op.logoutForm"' in html:
                champs["logout"] = "yes"
            else:
                raise AssertionError(f"page inattendue du fournisseur : {html[:500]}")
            reponse = self.session.post(action, data=champs, allow_redirects=False, timeout=10)
        raise AssertionError("trop de redirections chez le fournisseur")

    def autoriser(self, url: str, login: str) -> str:
        """From our redirect to the provider until the provider sends the person back: our callback path."""
        return self._suivre(self.session.get(url, allow_redirects=False, timeout=10), url, login)

    def deconnecter(self, url: str) -> str:
        return self._suivre(self.session.get(url, allow_redirects=False, timeout=10), url, "")

    def demande_une_connexion(self, url: str) -> bool:
        """True when the provider asks the person to log in again (no session there any more)."""
        reponse = self.session.get(url, allow_redirects=True, timeout=10)
        return 'name="prompt" value="login"' in reponse.text


def remplacer_parametre(url: str, nom: str, valeur: str) -> str:
    parties = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parties.query).items()}
    params[nom] = valeur
    return urlunsplit(parties._replace(query=urlencode(params)))
