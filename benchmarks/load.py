"""Load tests against gunicorn on PostgreSQL with national-scale data. Three scenarios (`--scenario`):

- `mixte` (default): key pages and the API under 16 concurrent clients pausing 0.5–1.5 s (target p95 ≤ 200 ms,
  0 errors). Options: `--clients 16`, `--duree 60`, `--pause-min 0.5`, `--pause-max 1.5`.
- `cloture`: deadline day (benchmarks/cloture.py): 100 porteurs building and filing grappes in a closed loop without
  pauses, 20 ARS agents instructing, 10 vendors pushing indicators and evidence through the API; p50/p95/p99 per
  step, errors by kind, then the check in the database that every filing answered with a success is there exactly
  once, filed, with its documents (target p95 ≤ 300 ms, 0 errors, 0 lost or duplicated filing). Options:
  `--porteurs 100 --agents 20 --editeurs 10 --taille-grappe 5 --double-envoi 0.25 --taux-demarrage 5`.
- `debit`: the `mixte` clients without pauses, in steps of more clients (`--paliers 1,2,4,6,8,12,16`, `--duree`
  seconds each): requests/s and p95 per step, and the highest throughput sustained with p95 ≤ 200 ms.

Run: `uv run python benchmarks/load.py [--scenario …]` (common options: `--workers 3`, `--echelle 1`,
`--garder-base`). PostgreSQL server: `ESMS_BENCH_POSTGRES` (default postgres://postgres@127.0.0.1:5432/postgres).
Loopback only; it stops by itself. Figures and commands: docs/charge.md.

1. Creates a scratch PostgreSQL database (dropped at the end, whatever happens).
2. Builds the data in a child process: geography and nomenclatures, the real FINESS extract of the shared data
   folder through `importer_finess` (≈ 95 000 ET, of which ≈ 48 000 social and medico-social), the
   national programme of src/esms/demo/national.py (set-based, the generator of `esms demo --national`):
   campagnes 2021–2025, ≈ 1 400 dossiers in every state, 21 200 funded establishments, envelopes, conventions,
   payments, ≈ 78 000 indicator reports and the ARS-validated active-DUI
   figures; the accounts and API tokens through the services (and, for `cloture`, its own accounts and work lists).
3. Starts gunicorn on 127.0.0.1 (a free port, a few workers), warms each worker up, then runs Locust headless
   (FastHttpUser) for the given duration, statistics reset once every client is started. In `mixte`, half the
   clients browse as an ARS agent and a national administrator (establishment search, instruction queue,
   dashboards), half call the API with tokens (search, one ET, dossiers, dashboard data, a vendor's indicator
   submission).
4. Prints p50/p95/p99 per endpoint or step and overall, the error count and the verdict; exit code 1 when the
   target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
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
CIBLE_CLOTURE_P95_MS = 300
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

    cloture = None
    if args.scenario == "cloture":
        import cloture as scenario_cloture

        debut = time.perf_counter()
        cloture = scenario_cloture.preparer(admin=admin, porteurs=args.porteurs, agents=args.agents,
                                            editeurs=args.editeurs, taille=args.taille_grappe)
        temps["cloture"] = time.perf_counter() - debut
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")
    return {"cloture": cloture,
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
           "DJANGO_SETTINGS_MODULE": "esms.settings.base", "ESMS_LOG_LEVEL": "ERROR",
           "PYTHONPATH": os.pathsep.join([str(RACINE / "benchmarks"), os.environ.get("PYTHONPATH", "")])}
    debut = time.perf_counter()
    enfant = subprocess.run([sys.executable, __file__, *_options_enfant(args), "--preparer"], env=env, cwd=RACINE,
                            capture_output=True, text=True, check=False, timeout=1800)
    if enfant.returncode != 0:
        sys.stderr.write(enfant.stdout[-5000:] + enfant.stderr[-5000:])
        raise SystemExit("Échec de la préparation des données.")
    config = json.loads(enfant.stdout.strip().splitlines()[-1])
    config["termes"] = TERMES
    config["pause"] = [args.pause_min, args.pause_max]
    print(f"Données prêtes en {time.perf_counter() - debut:.0f} s ("
          + ", ".join(f"{cle} {valeur:.0f} s" for cle, valeur in config["temps"].items()) + ") : " + ", ".join(
          f"{cle} {valeur:,}".replace(",", " ") for cle, valeur in config["volumes"].items()))
    if args.scenario == "cloture":
        return _cloture(args, env, dossier, config)
    fichier_config = dossier / "config.json"
    fichier_config.write_text(json.dumps(config), encoding="utf-8")
    locustfile = dossier / "locustfile.py"
    locustfile.write_text(LOCUSTFILE, encoding="utf-8")
    if args.scenario == "debit":
        return _debit(args, env, dossier, config, fichier_config, locustfile)
    return _mesurer(args, env, dossier, config, fichier_config, locustfile, titre="")


def _options_enfant(args: argparse.Namespace) -> list[str]:
    return ["--scenario", args.scenario, "--echelle", str(args.echelle), "--porteurs", str(args.porteurs),
            "--agents", str(args.agents), "--editeurs", str(args.editeurs), "--taille-grappe", str(args.taille_grappe)]


@contextlib.contextmanager
def _serveur(args: argparse.Namespace, env: dict, dossier: Path, config: dict):
    """gunicorn on a free loopback port, warmed up; stopped (and its log's end printed) on exit."""
    port = _port_libre()
    base = f"http://127.0.0.1:{port}"
    commande = [sys.executable, "-m", "gunicorn", "esms.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--timeout", "60", "--log-level", "warning"]
    serveur = subprocess.Popen(commande, env=env, cwd=RACINE, stdout=subprocess.DEVNULL,  # noqa: S603
                               stderr=open(dossier / "gunicorn.log", "w"))  # noqa: SIM115
    try:
        _attendre(base + "/api/v1/openapi.json")
        _chauffer(base, config, args.workers)
        yield base, serveur.pid
    finally:
        serveur.terminate()
        try:
            serveur.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serveur.kill()
        journal = (dossier / "gunicorn.log").read_text(encoding="utf-8", errors="replace").strip()
        if journal:
            print("\nJournal du serveur (fin) :\n" + journal[-3000:])


def _cpu_serveur(pid: int) -> float:
    """CPU seconds used so far by gunicorn (master and workers)."""
    import psutil

    maitre = psutil.Process(pid)
    total = 0.0
    for processus in [maitre, *maitre.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            temps = processus.cpu_times()
            total += temps.user + temps.system
    return total


def _locust(env: dict, dossier: Path, serveur: tuple[str, int], locustfile: Path, fichier_config: Path, *,
            clients: int, duree: int, prefixe: Path, taux: float | None = None,
            extra_env: dict | None = None) -> dict:
    """Locust headless for `duree` seconds (statistics reset once every client is started). Returns the CPU seconds
    used by gunicorn and by Locust meanwhile, and the machine's load before and after."""
    import resource

    base, pid = serveur
    charge_avant, cpu_avant = os.getloadavg()[0], _cpu_serveur(pid)
    enfants_avant = resource.getrusage(resource.RUSAGE_CHILDREN)
    debut = time.perf_counter()
    subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "--host", base,
                    "--users", str(clients), "--spawn-rate", str(taux or clients), "--run-time", f"{duree}s",
                    "--stop-timeout", "60", "--csv", str(prefixe), "--only-summary", "--reset-stats",
                    "--loglevel", "WARNING"],
                   env={**env, "ESMS_CHARGE_CONFIG": str(fichier_config), **(extra_env or {})}, cwd=RACINE,
                   check=False, timeout=duree + 300, stdout=subprocess.DEVNULL,
                   stderr=open(dossier / "locust.log", "a"))  # noqa: SIM115
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN)
    mesure = {"duree": time.perf_counter() - debut, "cpu_serveur": _cpu_serveur(pid) - cpu_avant,
              "cpu_locust": (enfants.ru_utime + enfants.ru_stime) - (enfants_avant.ru_utime + enfants_avant.ru_stime),
              "charge": (charge_avant, os.getloadavg()[0])}
    print(f"(charge moyenne de la machine : {mesure['charge'][0]:.1f} avant, {mesure['charge'][1]:.1f} à la fin ; "
          f"CPU pendant {mesure['duree']:.0f} s : gunicorn {mesure['cpu_serveur']:.0f} s, Locust "
          f"{mesure['cpu_locust']:.0f} s)", flush=True)
    return mesure


def _cpu_par_requete(mesure: dict, lignes: list[dict]) -> None:
    """gunicorn CPU per request (the whole run, spawning included): the service demand that bounds throughput."""
    total = next(ligne for ligne in lignes if ligne["Name"] == "Aggregated")
    requetes = sum(int(ligne["Request Count"]) for ligne in lignes if ligne["Name"] != "Aggregated")
    if requetes:
        print(f"CPU gunicorn ≈ {1000 * mesure['cpu_serveur'] / requetes:.0f} ms par requête mesurée "
              f"({requetes} requêtes, {float(total['Requests/s']):.1f} req/s ; démarrage des clients compris)")


def _mesurer(args: argparse.Namespace, env: dict, dossier: Path, config: dict, fichier_config: Path,
             locustfile: Path, *, titre: str) -> bool:
    """One measurement: gunicorn on a free loopback port, warm-up, Locust for `--duree` seconds, the figures."""
    with _serveur(args, env, dossier, config) as serveur:
        prefixe = dossier / "locust"
        mesure = _locust(env, dossier, serveur, locustfile, fichier_config, clients=args.clients, duree=args.duree,
                         prefixe=prefixe)
        _cpu_par_requete(mesure, _lire_stats(prefixe))
        return _afficher(_lire_stats(prefixe), config["volumes"], args, titre=titre)


def _debit(args: argparse.Namespace, env: dict, dossier: Path, config: dict, fichier_config: Path,
           locustfile: Path) -> bool:
    """Closed loop without pauses on the existing mix, more clients at each step: requests/s and p95 per step,
    and the highest throughput sustained with p95 ≤ 200 ms."""
    paliers = [int(n) for n in args.paliers.split(",")]
    resultats = []
    with _serveur(args, env, dossier, config) as serveur:
        for clients in paliers:
            prefixe = dossier / f"debit_{clients}"
            mesure = _locust(env, dossier, serveur, locustfile, fichier_config, clients=clients, duree=args.duree,
                             prefixe=prefixe)
            _cpu_par_requete(mesure, _lire_stats(prefixe))
            total = next(ligne for ligne in _lire_stats(prefixe) if ligne["Name"] == "Aggregated")
            resultats.append((clients, float(total["Requests/s"]), float(total["50%"] or 0),
                              float(total["95%"] or 0), float(total["99%"] or 0), int(total["Failure Count"])))
            print(f"  {clients:>3} clients : {resultats[-1][1]:6.1f} req/s, p50 {resultats[-1][2]:.0f} ms, "
                  f"p95 {resultats[-1][3]:.0f} ms, p99 {resultats[-1][4]:.0f} ms, {resultats[-1][5]} erreurs",
                  flush=True)
    print(f"\n== Débit en boucle fermée sans pause (mix existant) : {args.workers} processus gunicorn, "
          f"{args.duree} s par palier ==")
    print(f"{'clients':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'erreurs':>8}")
    for clients, rps, p50, p95, p99, erreurs in resultats:
        print(f"{clients:>8} {rps:>8.1f} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {erreurs:>8}")
    tenus = [r for r in resultats if r[3] <= CIBLE_P95_MS and r[5] == 0]
    if tenus:
        meilleur = max(tenus, key=lambda r: r[1])
        print(f"\nDébit maximal soutenu avec p95 ≤ {CIBLE_P95_MS} ms et 0 erreur : {meilleur[1]:.1f} requêtes/s "
              f"({meilleur[0]} clients)")
    else:
        print(f"\nAucun palier ne tient p95 ≤ {CIBLE_P95_MS} ms sans erreur.")
    return bool(tenus)


def _cloture(args: argparse.Namespace, env: dict, dossier: Path, config: dict) -> bool:
    """The deadline-day scenario: porteurs filing in a closed loop, agents, vendors; then the exactly-once check."""
    import cloture

    scenario = {**config["cloture"], "pause": [args.pause_min, args.pause_max], "double_envoi": args.double_envoi,
                "effectifs": {"porteurs": args.porteurs, "agents": args.agents, "editeurs": args.editeurs}}
    fichier_config = dossier / "config.json"
    fichier_config.write_text(json.dumps(scenario), encoding="utf-8")
    locustfile = dossier / "locustfile_cloture.py"
    locustfile.write_text(cloture.LOCUSTFILE, encoding="utf-8")
    fichier_depots = dossier / "depots.json"
    clients = args.porteurs + args.agents + args.editeurs
    print(f"Clôture de l'appel le {scenario['cloture']} à 23 h 59 (heure de Paris) ; {scenario['kits']} grappes de "
          f"{scenario['taille']} établissements possibles ; {clients} clients en boucle fermée.", flush=True)
    with _serveur(args, env, dossier, config) as serveur:
        prefixe = dossier / "cloture"
        mesure = _locust(env, dossier, serveur, locustfile, fichier_config, clients=clients, duree=args.duree,
                         prefixe=prefixe, taux=args.taux_demarrage,
                         extra_env={"ESMS_CHARGE_DEPOTS": str(fichier_depots)})
        lignes = _lire_stats(prefixe)
        _cpu_par_requete(mesure, lignes)
    tenu = _afficher_cloture(lignes, prefixe, args)
    enfant = subprocess.run([sys.executable, __file__, "--verifier", str(fichier_depots)], env=env, cwd=RACINE,
                            capture_output=True, text=True, check=False, timeout=600)
    if enfant.returncode != 0:
        sys.stderr.write(enfant.stdout[-5000:] + enfant.stderr[-5000:])
        raise SystemExit("Échec de la vérification des dépôts.")
    bilan = json.loads(enfant.stdout.strip().splitlines()[-1])
    print(f"\nVérification en base : {bilan['succes_annonces']} réponses de succès ({bilan['dossiers_confirmes']} "
          f"dossiers), {bilan['perdus']} perdu(s), {bilan['doublons']} doublon(s) ; {bilan['deposes_en_base']} "
          f"dossiers du test déposés en base, dont {bilan['deposes_sans_reponse']} sans réponse de succès vue par "
          f"un client.")
    for probleme in bilan["problemes"]:
        print("  - " + probleme)
    tenu = tenu and bilan["perdus"] == 0 and bilan["doublons"] == 0
    print(f"\nObjectif p95 ≤ {CIBLE_CLOTURE_P95_MS} ms, 0 erreur, 0 dépôt perdu ou en double : "
          f"{'ATTEINT' if tenu else 'NON ATTEINT'}")
    return tenu


def _afficher_cloture(lignes: list[dict], prefixe: Path, args: argparse.Namespace) -> bool:
    print(f"\n== Clôture : {args.porteurs} porteurs sans pause, {args.agents} agents, {args.editeurs} éditeurs ; "
          f"{args.workers} processus gunicorn ; {args.duree} s mesurées ==")
    print(f"{'étape':46} {'requêtes':>9} {'erreurs':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7}")
    tenu = True
    for ligne in sorted(lignes, key=lambda ligne: (ligne["Name"] == "Aggregated", ligne["Name"])):
        nom = ligne["Name"] if ligne["Name"] != "Aggregated" else "ENSEMBLE"
        if nom == "(connexion)":
            continue
        if nom == "ENSEMBLE":
            print("-" * 96)
        print(f"{nom[:46]:46} {int(ligne['Request Count']):>9} {int(ligne['Failure Count']):>8} {ligne['50%']:>7} "
              f"{ligne['95%']:>7} {ligne['99%']:>7} {float(ligne['Requests/s']):>7.1f}")
    total = next(ligne for ligne in lignes if ligne["Name"] == "Aggregated")
    tenu = int(total["Failure Count"]) == 0 and float(total["95%"] or 0) <= CIBLE_CLOTURE_P95_MS
    with open(f"{prefixe}_failures.csv", encoding="utf-8") as flux:
        erreurs = list(csv.DictReader(flux))
    if erreurs:
        print("\nErreurs par nature :")
        for erreur in sorted(erreurs, key=lambda e: -int(e["Occurrences"])):
            print(f"  {int(erreur['Occurrences']):>5} × {erreur['Name']} : {erreur['Error'][:150]}")
    return tenu


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
    parser.add_argument("--scenario", choices=["mixte", "cloture", "debit"], default="mixte",
                        help="mixte : le mix existant avec pauses ; cloture : jour de clôture ; debit : paliers sans pause")
    parser.add_argument("--porteurs", type=int, default=100, help="cloture : porteurs en boucle fermée")
    parser.add_argument("--agents", type=int, default=20, help="cloture : agents ARS")
    parser.add_argument("--editeurs", type=int, default=10, help="cloture : éditeurs (API)")
    parser.add_argument("--taille-grappe", type=int, default=5,
                        help="cloture : établissements par grappe (taille minimale de la version de clôture)")
    parser.add_argument("--double-envoi", type=float, default=0.25,
                        help="cloture : part des dépôts dont le formulaire est envoyé deux fois à la fois")
    parser.add_argument("--taux-demarrage", type=float, default=5, help="cloture : clients démarrés par seconde")
    parser.add_argument("--paliers", default="1,2,4,6,8,12,16", help="debit : nombres de clients successifs")
    parser.add_argument("--preparer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verifier", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario == "debit" and "--pause-min" not in sys.argv and "--pause-max" not in sys.argv:
        args.pause_min = args.pause_max = 0.0
    if args.scenario == "cloture" and "--pause-min" not in sys.argv and "--pause-max" not in sys.argv:
        args.pause_min = args.pause_max = 0.0
    if args.preparer:
        print(json.dumps(preparer(args)))
        return 0
    if args.verifier:
        import django

        django.setup()
        import cloture

        print(json.dumps(cloture.verifier(json.loads(Path(args.verifier).read_text(encoding="utf-8")))))
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
