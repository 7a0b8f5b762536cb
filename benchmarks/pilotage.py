"""Benchmark of the dashboards on the national programme: each page cold and warm, computed on the fly (before
the precomputed aggregates) and read from its stored aggregate (after), plus a full recomputation.

Prerequisite: a database holding the national programme (docs/demo-nationale.md), SQLite by default
(`ESMS_VAR_DIR`) or PostgreSQL (`DATABASE_URL`):

    ESMS_VAR_DIR=/tmp/nat uv run --frozen esms migrate && … esms charger_referentiel && … esms import_finess
    ESMS_VAR_DIR=/tmp/nat uv run --frozen esms demo --national
    ESMS_VAR_DIR=/tmp/nat uv run --frozen python benchmarks/pilotage.py [--repetitions 3] [--sans-avant]

Each measurement runs in a fresh process (`--mesurer`): Django set up, the Django cache emptied, one request to
an unrelated page (the URL configuration and the page frame loaded, as in a server that has answered once), then
the page twice: « froid » is the first request (empty cache, nothing of the page in the process), « chaud » the
second. « avant » reproduces the code before the aggregates: the perimeter's figures computed by the selectors
and the page laid out (charts drawn) in the request, kept 5 minutes in the Django cache (warm = cache hit); the
API route computes only its own figures, as it did. « après » is the code as it is: one row read. The medians
of `--repetitions` runs are printed, with the ratios, the machine load (`uptime`) and the time of
`esms pilotage recalculer` (every perimeter × campagne filter).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PAGES = {
    "national /pilotage/": "/pilotage/",
    "régional /pilotage/regions/84/": "/pilotage/regions/84/",
    "statistiques /statistiques/": "/statistiques/",
    "API /api/v1/pilotage/couverture": "/api/v1/pilotage/couverture?par=departement",
}
ECHAUFFEMENT = "/comptes/connexion/"


def _django() -> None:
    sys.path.insert(0, str(RACINE / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esms.settings.base")
    import django

    django.setup()


def _avant() -> None:
    """The reading replaced by the former on-the-fly computation (selectors + layout, 5-minute Django cache)."""
    from django.core.cache import cache
    from django.utils import timezone

    from esms.api.routers import pilotage as api
    from esms.pilotage import agregats, pages, selectors, tableaux_de_bord, views
    from esms.pilotage.rafraichir import Lecture

    def lire_page(*, region, campagne):
        cle = f"bench:{region}:{campagne}"
        contenu = cache.get(cle)
        if contenu is None:
            donnees = agregats.donnees_du_perimetre(region=region, campagne=campagne)
            page = pages.vers_json(tableaux_de_bord.tableau_de_bord(donnees, region=region))
            publique = pages.vers_json(tableaux_de_bord.statistiques_publiques(donnees)) if region is None else None
            contenu = {"donnees": donnees, "pages": {"tableau_de_bord": page, "statistiques": publique}}
            cache.set(cle, contenu, 300)
        return Lecture(contenu=contenu, calcule_le=timezone.now(), a_jour=True)

    class Figures(dict):
        """The API route's own figures only, computed when the route asks for them (as before)."""

        def __init__(self, region, campagne):
            super().__init__()
            self.perim = {"region": region, "campagne": campagne}

        def __missing__(self, cle):
            cache_cle = f"bench-api:{cle}:{self.perim}"
            valeur = cache.get(cache_cle)
            if valeur is None:
                valeur = agregats._json({
                    "indicateurs": lambda: selectors.indicateurs_cles(**self.perim),
                    "regions": lambda: selectors.couverture(par="region", **self.perim),
                    "departements": lambda: selectors.couverture(par="departement", **self.perim),
                    "enveloppes": lambda: selectors.enveloppes_par_region(**self.perim),
                }[cle]())
                cache.set(cache_cle, valeur, 300)
            self[cle] = valeur
            return valeur

    def lire_api(*, region, campagne):
        return Lecture(contenu={"donnees": Figures(region, campagne)}, calcule_le=timezone.now(), a_jour=True)

    views.lire = lire_page
    api.lire = lire_api


def mesurer(mode: str, chemin: str, jeton: str) -> None:
    """One fresh process: warm-up request, then the page cold and warm; prints JSON."""
    _django()
    from django.core.cache import cache
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from esms.comptes.models import Role, User

    if mode == "avant":
        _avant()
    cache.clear()
    admin = User.objects.filter(role=Role.ADMIN_NATIONAL, is_active=True).order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    appareil = TOTPDevice.objects.filter(user=admin, confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = appareil.persistent_id
    session.save()
    client.get(ECHAUFFEMENT)
    entetes = {"HTTP_AUTHORIZATION": f"Bearer {jeton}"} if chemin.startswith("/api/") else {}
    temps = []
    for _ in range(2):
        debut = time.perf_counter()
        reponse = client.get(chemin, **entetes)
        temps.append(1000 * (time.perf_counter() - debut))
        if reponse.status_code != 200:
            raise SystemExit(f"{chemin} : HTTP {reponse.status_code}")
    print(json.dumps({"froid": temps[0], "chaud": temps[1]}))


def _preparer() -> str:
    """A national administrator with a TOTP device and an API token (pilotage:lire); prints the token."""
    _django()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from esms.api.portees import PILOTAGE_LIRE
    from esms.api.services import creer_jeton
    from esms.comptes.models import Role, User
    from esms.comptes.permissions import SYSTEME

    admin = User.objects.filter(role=Role.ADMIN_NATIONAL, is_active=True).order_by("pk").first()
    if admin is None:
        raise SystemExit("Aucun administrateur national : chargez le programme national (esms demo --national).")
    if not TOTPDevice.objects.filter(user=admin, confirmed=True).exists():
        TOTPDevice.objects.create(user=admin, name="benchmark", confirmed=True)
    jeton, chaine = creer_jeton(actor=SYSTEME, utilisateur=admin, nom="benchmark pilotage", portees=[PILOTAGE_LIRE])
    print(json.dumps({"jeton": chaine, "id": jeton.pk}))


def _revoquer(jeton_id: int) -> None:
    _django()
    from esms.api.models import JetonAPI
    from esms.api.services import revoquer_jeton
    from esms.comptes.permissions import SYSTEME

    revoquer_jeton(actor=SYSTEME, jeton=JetonAPI.objects.get(pk=jeton_id))


def _recalcul() -> None:
    _django()
    from esms.pilotage.rafraichir import recalculer_tout

    debut = time.perf_counter()
    rows = recalculer_tout()
    print(json.dumps({"secondes": time.perf_counter() - debut, "agregats": len(rows),
                      "max_ms": max((r.duree_ms or 0) for r in rows)}))


def _lancer(*args: str) -> dict:
    sortie = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=RACINE,
                            check=False)
    if sortie.returncode:
        raise SystemExit(sortie.stderr[-3000:])
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--sans-avant", action="store_true", help="ne pas mesurer le calcul à la volée")
    parser.add_argument("--sans-recalcul", action="store_true", help="ne pas mesurer le recalcul complet")
    parser.add_argument("--mesurer", nargs=3, metavar=("MODE", "CHEMIN", "JETON"), help=argparse.SUPPRESS)
    parser.add_argument("--etape", choices=["preparer", "recalcul"], help=argparse.SUPPRESS)
    parser.add_argument("--revoquer", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.mesurer:
        return mesurer(*options.mesurer)
    if options.etape == "preparer":
        return _preparer()
    if options.etape == "recalcul":
        return _recalcul()
    if options.revoquer:
        return _revoquer(options.revoquer)

    base = os.environ.get("DATABASE_URL", "SQLite (" + os.environ.get("ESMS_VAR_DIR", "var") + ")")
    print(f"Base : {base.split('@')[-1]}")
    print("Charge avant :", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    if not options.sans_recalcul:
        recalcul = _lancer("--etape", "recalcul")
        print(f"Recalcul complet (esms pilotage recalculer) : {recalcul['agregats']} agrégats en "
              f"{recalcul['secondes']:.1f} s (le plus long : {recalcul['max_ms'] / 1000:.1f} s)")
    jeton = _lancer("--etape", "preparer")
    try:
        modes = ["apres"] if options.sans_avant else ["avant", "apres"]
        resultats: dict[tuple[str, str], dict[str, float]] = {}
        for nom, chemin in PAGES.items():
            for mode in modes:
                mesures = [_lancer("--mesurer", mode, chemin, jeton["jeton"]) for _ in range(options.repetitions)]
                resultats[(nom, mode)] = {cle: statistics.median(m[cle] for m in mesures) for cle in ("froid", "chaud")}
    finally:
        _lancer_sans_sortie("--revoquer", str(jeton["id"]))
    print(f"\nMédianes de {options.repetitions} processus neufs par mesure (ms) :")
    print(f"{'page':<36} {'avant froid':>12} {'avant chaud':>12} {'après froid':>12} {'après chaud':>12} "
          f"{'gain froid':>11}")
    for nom in PAGES:
        apres = resultats[(nom, "apres")]
        avant = resultats.get((nom, "avant"))
        cellules = [f"{avant['froid']:12.0f}", f"{avant['chaud']:12.0f}"] if avant else ["—".rjust(12)] * 2
        ratio = f"{avant['froid'] / apres['froid']:10.0f}×" if avant else "—".rjust(11)
        cible = "" if apres["froid"] <= 300 else "  (> 300 ms)"
        print(f"{nom:<36} {' '.join(cellules)} {apres['froid']:12.0f} {apres['chaud']:12.0f} {ratio}{cible}")
    print("Charge après :", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def _lancer_sans_sortie(*args: str) -> None:
    subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=RACINE, check=True)


if __name__ == "__main__":
    main()
