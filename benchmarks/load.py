"""Load test: key pages and the API under 16 concurrent clients with national-scale data (target p95 ≤ 200 ms,
0 errors).

Run: `uv run python benchmarks/load.py` (options: `--clients 16`, `--duree 60`, `--workers 3`,
`--pause-min 0.5`, `--pause-max 1.5`, `--echelle 1`, `--garder-base`). PostgreSQL server: `ESMS_BENCH_POSTGRES`
(default postgres://postgres@127.0.0.1:5432/postgres). Loopback only; it stops by itself.

1. Creates a scratch PostgreSQL database (dropped at the end, whatever happens).
2. Builds the data in a child process: geography and nomenclatures, the real FINESS extract of the shared data
   folder through `importer_finess` (≈ 95 000 ET, of which ≈ 48 000 social and medico-social), the
   national programme of src/esms/demo/national.py (set-based, the generator of `esms demo --national`):
   campagnes 2021–2025, ≈ 1 400 dossiers in every state, 21 200 funded establishments, envelopes, conventions,
   payments, ≈ 78 000 indicator reports and the ARS-validated active-DUI
   figures; the accounts and API tokens through the services.
3. Starts gunicorn on 127.0.0.1 (a free port, a few workers), warms each worker up, then runs Locust headless
   (FastHttpUser) for the given duration: half the clients browse as an ARS agent and a national
   administrator (establishment search, instruction queue, dashboards), half call the API with tokens
   (search, one ET, dossiers, dashboard data, a vendor's indicator submission). Each client pauses 0.5 to
   1.5 s between two requests (`--pause-min`, `--pause-max`), as a person or a polling tool does.
4. Prints p50/p95/p99 per endpoint and overall, the error count and the verdict; exit code 1 when the target
   is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
CIBLE_P95_MS = 200
MOT_DE_PASSE = "charge-mot-de-passe-2024"
FICHIER_FINESS = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"
TERMES = ["EHPAD", "FOYER", "SESSAD", "IME", "SSIAD", "ESAT", "MAISON", "RESIDENCE", "SAINT", "CENTRE",
          "SERVICE", "ACCUEIL", "FAM", "MAS", "LES JARDINS", "CCAS", "AIDE DOMICILE", "ITEP", "CMPP", "LYON"]


def dossier_partage() -> Path:
    env = os.environ.get("ESMS_SHARED_DATA")
    return Path(env) if env else RACINE.parent / "shared" / "data"


# ---------------------------------------------------------------------------------------------------------------
# Child process: building the data (Django configured on the scratch database)


def preparer(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from esms.api.services import creer_jeton
    from esms.candidatures.models import Dossier, Membre
    from esms.comptes.models import Role
    from esms.comptes.permissions import SYSTEME
    from esms.comptes.services import create_user
    from esms.demo import national
    from esms.referentiel.models import Etablissement
    from esms.referentiel.services import charger_referentiel, importer_finess
    from esms.usages.models import DuiActifValide, RapportIndicateurs

    temps = {}
    debut = time.perf_counter()
    call_command("migrate", verbosity=0)
    charger_referentiel(actor=SYSTEME, dossier=dossier_partage())
    importer_finess(actor=SYSTEME, chemin=dossier_partage() / FICHIER_FINESS)
    temps["referentiel"] = time.perf_counter() - debut

    debut = time.perf_counter()
    admin = create_user(actor=SYSTEME, username="charge-admin", password=MOT_DE_PASSE, role=Role.ADMIN_NATIONAL)
    bilan = national.generer(echelle=args.echelle, acteur=admin)
    dossiers, membres_de = bilan.dossiers, bilan.membres
    temps["programme"] = time.perf_counter() - debut

    # Accounts and tokens through the services; the ARS agent of the region with the most dossiers.
    from collections import Counter

    region = Counter(d.region_pilote_id for d in dossiers).most_common(1)[0][0]
    ars = create_user(actor=SYSTEME, username="charge-ars", password=MOT_DE_PASSE, role=Role.AGENT_ARS, region=region)
    suivi = next(d for d in dossiers if d.etat == "en_suivi_usage")
    autorises = membres_de[suivi.pk]
    editeur = create_user(actor=SYSTEME, username="charge-editeur", password=MOT_DE_PASSE, role=Role.EDITEUR,
                          etablissements=autorises)
    jetons = {
        "admin": creer_jeton(actor=SYSTEME, utilisateur=admin, nom="Charge", portees=[
            "referentiel:lire", "dossiers:lire", "enveloppes:lire", "pilotage:lire"])[1],
        "ars": creer_jeton(actor=SYSTEME, utilisateur=ars, nom="Charge", portees=[
            "referentiel:lire", "dossiers:lire", "pilotage:lire"])[1],
        "editeur": creer_jeton(actor=SYSTEME, utilisateur=editeur, nom="Charge", portees=[
            "referentiel:lire", "usages:ecrire"])[1],
    }
    echantillon = list(Etablissement.objects.filter(ouvert=True).order_by("?").values_list("finess_et", flat=True)[:500])
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    return {
        "temps": temps, "jetons": jetons, "region": region, "finess": echantillon, "autorises": autorises,
        "comptes": {"ars": "charge-ars", "admin": "charge-admin"}, "mot_de_passe": MOT_DE_PASSE,
        "volumes": {"etablissements": Etablissement.objects.count(),
                    "etablissements_sociaux": Etablissement.objects.filter(categorie__domaine="SOC").count(),
                    "dossiers": Dossier.objects.count(), "membres": Membre.objects.count(),
                    "rapports": RapportIndicateurs.objects.count(), "dui_valides": DuiActifValide.objects.count()},
    }


# ---------------------------------------------------------------------------------------------------------------
# The Locust scenario (written to a temporary file: Locust's gevent must not patch this process)

LOCUSTFILE = textwrap.dedent('''
    """Locust scenario of benchmarks/load.py (generated)."""
    import json
    import os
    import random
    import re

    from locust import between, task
    from locust.contrib.fasthttp import FastHttpUser

    CONFIG = json.loads(open(os.environ["ESMS_CHARGE_CONFIG"], encoding="utf-8").read())
    TERMES = CONFIG["termes"]


    def connecter(client, identifiant):
        page = client.get("/comptes/connexion/", name="(connexion)")
        jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        client.post("/comptes/connexion/", data={"username": identifiant, "password": CONFIG["mot_de_passe"],
                    "csrfmiddlewaretoken": jeton}, headers={"Referer": client.base_url + "/comptes/connexion/"},
                    name="(connexion)")


    class Navigateur(FastHttpUser):
        """An ARS agent, and now and then a national administrator, in a browser."""
        wait_time = between(CONFIG["pause"][0], CONFIG["pause"][1])

        def on_start(self):
            connecter(self.client, CONFIG["comptes"]["ars"])

        @task(4)
        def recherche(self):
            self.client.get("/referentiel/etablissements/", params={"q": random.choice(TERMES)},
                            name="page recherche établissements")

        @task(3)
        def instruction(self):
            self.client.get("/candidatures/instruction/", name="page file d'instruction")

        @task(2)
        def tableau_de_bord(self):
            self.client.get(f"/pilotage/regions/{CONFIG['region']}/", name="page tableau de bord régional")


    class ClientApi(FastHttpUser):
        """A software client with API tokens: an ARS tool, a national tool, a DUI vendor."""
        wait_time = between(CONFIG["pause"][0], CONFIG["pause"][1])

        def _get(self, chemin, jeton, nom, **params):
            self.client.get("/api/v1" + chemin, params=params or None, name=nom,
                            headers={"Authorization": "Bearer " + CONFIG["jetons"][jeton]})

        @task(4)
        def recherche(self):
            self._get("/referentiel/etablissements", "ars", "API recherche établissements",
                      q=random.choice(TERMES), limit=20)

        @task(3)
        def fiche(self):
            self._get("/referentiel/etablissements/" + random.choice(CONFIG["finess"]), "admin", "API fiche ET")

        @task(3)
        def dossiers(self):
            self._get("/dossiers", "ars", "API dossiers", limit=50, offset=random.choice([0, 50, 100]))

        @task(2)
        def pilotage(self):
            self._get("/pilotage/indicateurs", "admin", "API pilotage indicateurs")

        @task(1)
        def indicateurs(self):
            corps = {"finess_et": random.choice(CONFIG["autorises"]), "debut": "2025-01-01", "fin": "2025-03-31",
                     "dui_actifs": random.randint(10, 90), "valeurs": {}}
            self.client.post("/api/v1/usages/indicateurs", json=corps, name="API indicateurs éditeur (POST)",
                             headers={"Authorization": "Bearer " + CONFIG["jetons"]["editeur"]})
''')


# ---------------------------------------------------------------------------------------------------------------
# Parent process


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attendre(url: str, delai: float = 90) -> None:
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        try:
            with urllib.request.urlopen(url, timeout=5) as reponse:  # noqa: S310 (loopback)
                if reponse.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Le serveur ne répond pas sur {url}.")


def _navigateur(base: str, config: dict) -> urllib.request.OpenerDirector:
    """A cookie-keeping opener logged in as the ARS agent (the login form and its CSRF token)."""
    import http.cookiejar
    import re

    ouvreur = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with ouvreur.open(base + "/comptes/connexion/", timeout=60) as page:
        jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    donnees = urllib.parse.urlencode({"username": config["comptes"]["ars"], "password": config["mot_de_passe"],
                                      "csrfmiddlewaretoken": jeton}).encode()
    ouvreur.open(urllib.request.Request(base + "/comptes/connexion/", data=donnees), timeout=60).close()
    return ouvreur


def _chauffer(base: str, config: dict, workers: int) -> None:
    """A few requests per worker on each endpoint, so that no first request (imports, per-worker caches of the
    dashboards) is measured."""
    entetes = {"Authorization": "Bearer " + config["jetons"]["admin"]}
    navigateur = _navigateur(base, config)
    for _ in range(workers * 4):
        for chemin in ("/api/v1/referentiel/etablissements?q=EHPAD", "/api/v1/dossiers", "/api/v1/pilotage/indicateurs",
                       f"/api/v1/pilotage/indicateurs?region={config['region']}"):
            with urllib.request.urlopen(urllib.request.Request(base + chemin, headers=entetes), timeout=60):  # noqa: S310
                pass
        for chemin in ("/referentiel/etablissements/?q=EHPAD", "/candidatures/instruction/",
                       f"/pilotage/regions/{config['region']}/"):
            navigateur.open(base + chemin, timeout=120).close()


def _lire_stats(prefixe: Path) -> list[dict]:
    with open(f"{prefixe}_stats.csv", encoding="utf-8") as flux:
        return list(csv.DictReader(flux))


def _afficher(lignes: list[dict], volumes: dict, args: argparse.Namespace, *, titre: str = "") -> bool:
    print(f"\n== Charge{titre} : " + f"{args.clients} clients (pause de {args.pause_min} à {args.pause_max} s entre deux "
          f"requêtes) ; {args.workers} processus gunicorn ; {args.duree} s — {volumes['etablissements']:,} ET "
          f"({volumes['etablissements_sociaux']:,} sociaux et médico-sociaux), {volumes['dossiers']:,} dossiers, "
          f"{volumes['rapports']:,} rapports d'indicateurs ; charge moyenne de la machine "
          f"{os.getloadavg()[0]:.1f} ==".replace(",", " "))
    print(f"{'point d’accès':42} {'requêtes':>9} {'erreurs':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    tenu = True
    for ligne in lignes:
        nom = ligne["Name"] if ligne["Name"] != "Aggregated" else "ENSEMBLE"
        if nom == "(connexion)":
            continue
        p95 = float(ligne["95%"] or 0)
        erreurs = int(ligne["Failure Count"])
        if nom == "ENSEMBLE":
            print("-" * 86)
        else:
            tenu = tenu and p95 <= CIBLE_P95_MS and erreurs == 0
        print(f"{nom[:42]:42} {int(ligne['Request Count']):>9} {erreurs:>8} {ligne['50%']:>7} {ligne['95%']:>7} "
              f"{ligne['99%']:>7}")
    total = next(ligne for ligne in lignes if ligne["Name"] == "Aggregated")
    tenu = tenu and int(total["Failure Count"]) == 0 and float(total["95%"] or 0) <= CIBLE_P95_MS
    print(f"\nObjectif p95 ≤ {CIBLE_P95_MS} ms et 0 erreur : {'ATTEINT' if tenu else 'NON ATTEINT'}")
    return tenu


def _executer(args: argparse.Namespace, url_base: str, dossier: Path) -> bool:
    env = {**os.environ, "DATABASE_URL": url_base, "ESMS_VAR_DIR": str(dossier / "var"), "ESMS_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "esms.settings.base", "ESMS_LOG_LEVEL": "ERROR"}
    debut = time.perf_counter()
    enfant = subprocess.run([sys.executable, __file__, "--preparer", "--echelle", str(args.echelle)], env=env, cwd=RACINE, capture_output=True,
                            text=True, check=False, timeout=1800)
    if enfant.returncode != 0:
        sys.stderr.write(enfant.stdout[-5000:] + enfant.stderr[-5000:])
        raise SystemExit("Échec de la préparation des données.")
    config = json.loads(enfant.stdout.strip().splitlines()[-1])
    config["termes"] = TERMES
    config["pause"] = [args.pause_min, args.pause_max]
    print(f"Données prêtes en {time.perf_counter() - debut:.0f} s : " + ", ".join(
        f"{cle} {valeur:,}".replace(",", " ") for cle, valeur in config["volumes"].items()))
    fichier_config = dossier / "config.json"
    fichier_config.write_text(json.dumps(config), encoding="utf-8")
    locustfile = dossier / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")

    return _mesurer(args, env, dossier, config, fichier_config, locustfile, titre="")


def _mesurer(args: argparse.Namespace, env: dict, dossier: Path, config: dict, fichier_config: Path,
             locustfile: Path, *, titre: str) -> bool:
    """One measurement: gunicorn on a free loopback port, warm-up, Locust for `--duree` seconds, the figures."""
    port = _port_libre()
    base = f"http://127.0.0.1:{port}"
    commande = [sys.executable, "-m", "gunicorn", "esms.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--timeout", "60", "--log-level", "warning"]
    serveur = subprocess.Popen(commande, env=env, cwd=RACINE, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=open(dossier / "gunicorn.log", "w"))  # noqa: SIM115
    try:
        _attendre(base + "/api/v1/openapi.json")
        _chauffer(base, config, args.workers)
        prefixe = dossier / "locust"
        subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", base,
                        "--users", str(args.clients), "--spawn-rate", str(args.clients), "--run-time",
                        f"{args.duree}s", "--stop-timeout", "5", "--csv", str(prefixe), "--only-summary",
                        "--loglevel", "WARNING"],
                       env={**env, "ESMS_CHARGE_CONFIG": str(fichier_config)}, cwd=RACINE, check=False,
                       timeout=args.duree + 120, stdout=subprocess.DEVNULL,
                       stderr=open(dossier / "locust.log", "w"))  # noqa: SIM115
        return _afficher(_lire_stats(prefixe), config["volumes"], args, titre=titre)
    finally:
        serveur.terminate()
        try:
            serveur.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serveur.kill()
        journal = (dossier / "gunicorn.log").read_text(encoding="utf-8", errors="replace").strip()
        if journal:
            print("\nJournal du serveur (fin) :\n" + journal[-3000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duree", type=int, default=60, help="durée de la charge en secondes")
    parser.add_argument("--workers", type=int, default=3, help="processus gunicorn")
    parser.add_argument("--pause-min", type=float, default=0.5, help="pause minimale d'un client (s)")
    parser.add_argument("--pause-max", type=float, default=1.5, help="pause maximale d'un client (s)")
    parser.add_argument("--echelle", type=float, default=1.0, help="échelle du programme national (1 = national)")
    parser.add_argument("--garder-base", action="store_true",
                        help="ne pas supprimer la base de charge (pour l'examiner ; à supprimer soi-même)")
    parser.add_argument("--preparer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.preparer:
        print(json.dumps(preparer(args)))
        return 0
    if not (dossier_partage() / FICHIER_FINESS).is_file():
        raise SystemExit(f"Fichier FINESS absent : {dossier_partage() / FICHIER_FINESS} (données partagées).")
    import psycopg

    serveur = os.environ.get("ESMS_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    base = f"esms_charge_{os.getpid()}"
    with psycopg.connect(serveur, autocommit=True) as connexion:
        connexion.execute(f"CREATE DATABASE {base}")
    try:
        with tempfile.TemporaryDirectory(prefix="esms-charge-") as dossier:
            tenu = _executer(args, serveur.rsplit("/", 1)[0] + f"/{base}", Path(dossier))
    finally:
        if args.garder_base:
            print(f"Base conservée : {serveur.rsplit('/', 1)[0]}/{base}")
        else:
            with psycopg.connect(serveur, autocommit=True) as connexion:
                connexion.execute(f"DROP DATABASE IF EXISTS {base} WITH (FORCE)")
    return 0 if tenu else 1


if __name__ == "__main__":
    sys.exit(main())
