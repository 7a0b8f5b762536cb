"""Load test: key pages and the API under 16 concurrent clients with national-scale data (target p95 ≤ 200 ms,
0 errors).

Run: `uv run python benchmarks/load.py` (options: `--clients 16`, `--duree 60`, `--workers 3`,
`--pause-min 0.5`, `--pause-max 1.5`, `--dossiers 3000`, `--rapports 100000`, `--garder-base`). PostgreSQL server: `ESMS_BENCH_POSTGRES`
(default postgres://postgres@127.0.0.1:5432/postgres). Loopback only; it stops by itself.

1. Creates a scratch PostgreSQL database (dropped at the end, whatever happens).
2. Builds the data in a child process: geography and nomenclatures, the real FINESS extract of the shared data
   folder through `importer_finess` (≈ 95 000 ET, of which ≈ 48 000 social and medico-social), the 2024
   campagne, then set-based (bulk_create, never the per-row services): 3 000 grappes and dossiers of 15
   eligible members in every state, regional envelopes with their dotations, 100 000 indicator reports, ARS
   validations with their active-DUI figures; the accounts and API tokens through the services.
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

from esms.comptes.permissions import SYSTEME

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


def _etats(n: int) -> list[str]:
    """Dossier states of a national campaign in full swing (none of them a draft)."""
    repartition = [("depose", 0.08), ("en_instruction", 0.12), ("complement_demande", 0.05), ("retenu", 0.10),
                   ("non_retenu", 0.08), ("conventionne", 0.17), ("en_suivi_usage", 0.35), ("solde", 0.05)]
    etats = [etat for etat, part in repartition for _ in range(round(part * n))]
    return (etats + ["en_suivi_usage"] * n)[:n]


def _grappes_par_region(taille: int, nombre: int) -> list[tuple[str, list]]:
    """`nombre` groups of `taille` open eligible ET, region by region in proportion to their ET (wrapping
    around within a region when needed): (region, [Etablissement])."""
    from collections import defaultdict

    from esms.referentiel.models import Etablissement

    par_region = defaultdict(list)
    for et in (Etablissement.objects.filter(ouvert=True, categorie__eligible=True)
               .only("finess_et", "organisme_id", "region_id").order_by("region_id", "organisme_id", "finess_et")):
        par_region[et.region_id].append(et)
    total = sum(len(v) for v in par_region.values())
    groupes = []
    for region, ets in sorted(par_region.items()):
        quota = max(1, round(nombre * len(ets) / total))
        for i in range(quota):
            debut = (i * taille) % len(ets)
            membres = [ets[(debut + k) % len(ets)] for k in range(min(taille, len(ets)))]
            groupes.append((region, membres))
    return groupes[:nombre]


def preparer(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from datetime import date, timedelta

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from esms.api.services import creer_jeton
    from esms.candidatures import campagnes
    from esms.candidatures.models import Dossier, Grappe, Membre
    from esms.comptes.models import Role
    from esms.comptes.services import create_user
    from esms.financement.models import Enveloppe, LigneEnveloppe
    from esms.referentiel.models import Etablissement, Region
    from esms.referentiel.services import charger_referentiel, importer_finess
    from esms.usages.models import Canal, DuiActifValide, RapportIndicateurs, ValidationUsage

    temps = {}
    debut = time.perf_counter()
    call_command("migrate", verbosity=0)
    charger_referentiel(actor=SYSTEME, dossier=dossier_partage())
    importer_finess(actor=SYSTEME, chemin=dossier_partage() / FICHIER_FINESS)
    version = campagnes.charger(actor=SYSTEME, code="2024")[-1]
    temps["referentiel"] = time.perf_counter() - debut

    debut = time.perf_counter()
    admin = create_user(actor=SYSTEME, username="charge-admin", password=MOT_DE_PASSE, role=Role.ADMIN_NATIONAL)
    groupes = _grappes_par_region(15, args.dossiers)
    etats = _etats(len(groupes))
    maintenant = timezone.now()
    with transaction.atomic():
        grappes = Grappe.objects.bulk_create([
            Grappe(nom=f"Grappe {i:04d} – {membres[0].region_id}", campagne=version.campagne,
                   porteur_id=membres[0].organisme_id, solution_dui=f"Solution {i % 7}", creee_par=admin)
            for i, (_, membres) in enumerate(groupes)], batch_size=1000)
        Membre.objects.bulk_create([Membre(grappe=g, etablissement_id=et.finess_et)
                                    for g, (_, membres) in zip(grappes, groupes, strict=True) for et in membres],
                                   batch_size=5000)
        retenus = {"retenu", "conventionne", "en_suivi_usage", "solde"}
        dossiers = Dossier.objects.bulk_create([
            Dossier(grappe=g, numero=f"2024-{i + 1:05d}", etat=etat, appel="regional", region_pilote_id=region,
                    version=version, montant_demande=15 * 9_000, montant_retenu=15 * 9_000 if etat in retenus else None,
                    depose_le=maintenant - timedelta(days=200 - i % 180), verdict={"eligible": True, "motifs": []},
                    decide_le=maintenant - timedelta(days=100 - i % 90) if etat in retenus else None)
            for i, (g, (region, _), etat) in enumerate(zip(grappes, groupes, etats, strict=True))], batch_size=1000)
        Dossier.regions.through.objects.bulk_create([
            Dossier.regions.through(dossier_id=d.pk, region_id=region)
            for d, (region, _) in zip(dossiers, groupes, strict=True)], batch_size=5000)
        enveloppes = Enveloppe.objects.bulk_create([
            Enveloppe(campagne=version.campagne, region=r, libelle=f"Enveloppe 2024 – {r.nom}")
            for r in Region.objects.all()])
        LigneEnveloppe.objects.bulk_create([
            LigneEnveloppe(enveloppe=e, type="dotation", montant=50_000_000, libelle="Délégation", acteur=admin)
            for e in enveloppes])
    temps["dossiers"] = time.perf_counter() - debut

    debut = time.perf_counter()
    declarants = [d for d in dossiers if d.etat in ("conventionne", "en_suivi_usage", "solde")]
    membres_de = {g.pk: [et.finess_et for et in membres] for g, (_, membres) in zip(grappes, groupes, strict=True)}
    periodes = [(date(2024, 1, 1) + timedelta(days=91 * k), date(2024, 1, 1) + timedelta(days=91 * k + 90))
                for k in range(12)]
    rapports, k = [], 0
    while len(rapports) < args.rapports:
        periode = periodes[k % len(periodes)]
        for d in declarants:
            for finess in membres_de[d.grappe_id]:
                rapports.append(RapportIndicateurs(
                    dossier_id=d.pk, etablissement_id=finess, periode_debut=periode[0], periode_fin=periode[1],
                    dui_actifs=20 + (hash(finess) + k) % 80, valeurs={"taux_dui_actifs": "0.8"}, canal=Canal.FICHIER,
                    auteur=admin))
        k += 1
    with transaction.atomic():
        RapportIndicateurs.objects.bulk_create(rapports[:args.rapports], batch_size=5000)
        suivis = [d for d in dossiers if d.etat in ("en_suivi_usage", "solde")]
        validations = ValidationUsage.objects.bulk_create([
            ValidationUsage(dossier_id=d.pk, periode_debut=periodes[2][0], periode_fin=periodes[2][1],
                            decision="validee", verdict={}, acteur=admin) for d in suivis], batch_size=1000)
        DuiActifValide.objects.bulk_create([
            DuiActifValide(validation=v, etablissement_id=finess, dui_actifs=40, declare=40, recalcule=40,
                           periode_fin=periodes[2][1], valide_le=maintenant)
            for v, d in zip(validations, suivis, strict=True) for finess in membres_de[d.grappe_id]], batch_size=5000)
    temps["usages"] = time.perf_counter() - debut

    # Accounts and tokens through the services; the ARS agent of the region with the most dossiers.
    region = max({r for r, _ in groupes}, key=lambda r: sum(1 for g, _ in groupes if g == r))
    ars = create_user(actor=SYSTEME, username="charge-ars", password=MOT_DE_PASSE, role=Role.AGENT_ARS, region=region)
    suivi = next(d for d in dossiers if d.etat == "en_suivi_usage")
    autorises = membres_de[suivi.grappe_id]
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
    enfant = subprocess.run([sys.executable, __file__, "--preparer", "--dossiers", str(args.dossiers),
                             "--rapports", str(args.rapports)], env=env, cwd=RACINE, capture_output=True,
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
    parser.add_argument("--dossiers", type=int, default=3000)
    parser.add_argument("--rapports", type=int, default=100_000)
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
