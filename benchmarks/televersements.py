"""Worst uploads against the shared upload module (issue 9, point 1): time and peak memory of each, in a fresh
process per case (peak RSS read from /proc/self/status VmHWM, which ru_maxrss would inflate with the parent's).

Run: `uv run python benchmarks/televersements.py` (options: `--dossier /tmp/x`, `--sans-8gio`).

Cases, each under the platform's default limits (esms.televersements):
1. a 200 MB CSV posted to the indicator import (limit 5 Mio): refused while streaming;
2. the same file with the indicator limit raised to 256 Mio: received, then read line by line by the indicator
   reader (refused at its 50th error);
3. a 1 MB gzip that expands to 1 GiB (evidence kind): refused by the ratio cap;
4. an 8 MB gzip that expands to 8 GiB (evidence kind): refused by the ratio cap (skipped with `--sans-8gio`);
5. the 1 GiB bomb with the ratio cap off: refused by the size cap (set to 256 Mio for the run);
6. the 8 GiB bomb posted as evidence through the whole import path — the usage page, the upload handler, the
   reception, the task and its checks (`cas_import_preuve.py`, run by pytest on the test database): the
   processing must end « refusé » with its reasons, an audit event written and no evidence stored (with
   `--sans-8gio`, the 1 GiB bomb).
Target: every case under 600 MB of peak memory (`CIBLE_MO`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
CIBLE_MO = 600

CAS = r'''
import json, os, sys, time
sys.path.insert(0, os.environ["ESMS_SRC"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esms.settings.test")
import django
django.setup()
from pathlib import Path
from django.conf import settings
from esms import televersements
cas, chemin, dossier = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
debut, issue = time.perf_counter(), "accepté"
try:
    if cas.startswith("indicateurs"):
        if cas == "indicateurs-256":
            settings.ESMS_LIMITES_TELEVERSEMENT = {"indicateurs": 256 * 1024 * 1024}
        from esms.usages import indicateurs
        from esms.usages.erreurs import UsageRefuse
        with televersements.recevoir(chemin, nom="indicateurs.csv", genre="indicateurs", dossier=dossier) as recu:
            try:
                indicateurs.lire_fichier(recu.chemin, nom="indicateurs.csv", catalogue=["taux_dui_actifs"],
                                         membres={"010000016"})
            except UsageRefuse as exc:
                issue = "refusé : " + exc.messages[-1][:90]
    else:
        if cas == "bombe-sans-ratio":
            settings.ESMS_RATIO_DECOMPRESSION_MAX = 10**9
            settings.ESMS_LIMITES_DECOMPRESSION = {"preuves": 256 * 1024 * 1024}
        with televersements.recevoir(chemin, nom="bombe.csv.gz", genre="preuves", dossier=dossier) as recu:
            televersements.decompresser(recu, genre="preuves")
except televersements.TeleversementRefuse as exc:
    issue = "refusé : " + exc.messages[0][:110]
duree = time.perf_counter() - debut
pic = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM"))) // 1024
print(json.dumps({"cas": cas, "secondes": round(duree, 2), "pic_mo": pic, "issue": issue}))
'''


def csv_200_mo(chemin: Path) -> None:
    ligne = b"010000016;12;0,5\n"
    bloc = ligne * (1024 * 1024 // len(ligne))
    with open(chemin, "wb") as sortie:
        sortie.write(b"finess_et;dui_actifs;taux_dui_actifs\n")
        for _ in range(200):
            sortie.write(bloc)


def bombe(chemin: Path, gio: int) -> None:
    compresseur, bloc = zlib.compressobj(9, zlib.DEFLATED, 31), b"\0" * (1 << 22)
    with open(chemin, "wb") as sortie:
        for _ in range(gio * 256):
            sortie.write(compresseur.compress(bloc))
        sortie.write(compresseur.flush())


def import_preuve(fichier: Path, env: dict[str, str]) -> bool:
    """Case 6: the bomb through the import path, in a pytest process (test database and fixtures)."""
    commande = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-o", "addopts=",
                "-o", "python_files=cas_import_preuve.py", str(Path(__file__).with_name("cas_import_preuve.py"))]
    sortie = subprocess.run(commande, capture_output=True, text=True, cwd=RACINE, check=False,
                            env={**env, "ESMS_BENCH_FICHIER": str(fichier)})
    ligne = next((texte for texte in sortie.stdout.splitlines() if texte.startswith('{"secondes"')), None)
    if ligne is None or sortie.returncode:
        print(f"import-preuve : ÉCHEC du cas\n{sortie.stdout[-3000:]}\n{sortie.stderr[-2000:]}")
        return False
    r = json.loads(ligne)
    print(f"{'import-preuve':18} {fichier.stat().st_size / 1e6:8.1f} Mo envoyés  {r['secondes']:7.2f} s  "
          f"pic {r['pic_mo']:5d} Mo  HTTP {r['statut_http']}, traitement « {r['etat']} », audit {r['audit']}, "
          f"{r['preuves']} preuve, {r['fichiers_restants']} fichier restant : {r['raisons'][0][:110]}")
    return r["pic_mo"] < CIBLE_MO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossier", default=None)
    parser.add_argument("--sans-8gio", action="store_true")
    args = parser.parse_args(argv)
    dossier = Path(args.dossier or tempfile.mkdtemp(prefix="esms-bench-televersements-"))
    dossier.mkdir(parents=True, exist_ok=True)
    fichiers = {"csv": dossier / "indicateurs-200mo.csv", "1": dossier / "bombe-1gio.csv.gz", "8": dossier / "bombe-8gio.csv.gz"}
    if not fichiers["csv"].exists():
        csv_200_mo(fichiers["csv"])
    if not fichiers["1"].exists():
        bombe(fichiers["1"], 1)
    cas = [("indicateurs-5", "csv"), ("indicateurs-256", "csv"), ("bombe-1gio", "1")]
    if not args.sans_8gio:
        if not fichiers["8"].exists():
            bombe(fichiers["8"], 8)
        cas.append(("bombe-8gio", "8"))
    cas.append(("bombe-sans-ratio", "1"))
    env = {**os.environ, "ESMS_SRC": str(RACINE / "src")}
    ok = True
    for nom, fichier in cas:
        sortie = subprocess.run([sys.executable, "-c", CAS, nom, str(fichiers[fichier]), str(dossier / "tmp")],
                                capture_output=True, text=True, env=env, check=True)
        r = json.loads(sortie.stdout.strip().splitlines()[-1])
        taille = fichiers[fichier].stat().st_size / 1e6
        print(f"{r['cas']:18} {taille:8.1f} Mo envoyés  {r['secondes']:7.2f} s  pic {r['pic_mo']:5d} Mo  {r['issue']}")
        ok &= r["pic_mo"] < CIBLE_MO
    ok &= import_preuve(fichiers["1" if args.sans_8gio else "8"], env)
    print(f"Cible : pic < {CIBLE_MO} Mo pour chaque cas : {'atteinte' if ok else 'MANQUÉE'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
