"""Benchmark of the FINESS import on the full national extract (95 333 ET), SQLite and PostgreSQL: the Etalab CSV
run, then the FINESS+ run (JSON Structures flows).

    uv run python benchmarks/import_finess.py              # both back-ends
    uv run python benchmarks/import_finess.py --sqlite     # SQLite only (fresh temporary database)
    uv run python benchmarks/import_finess.py --postgres   # PostgreSQL only (scratch database created and dropped)

For each back-end, in a fresh child process: migrate, load the geography and nomenclatures, import the national
file (`esms.referentiel.services.importer_finess`), re-import it unchanged, then time a naive per-row
`update_or_create` baseline on a 5 000-row slice (rolled back) and extrapolate it to the whole file.
Rows written by the re-import are counted by the database itself (SQLite: temporary triggers; PostgreSQL: `xmin`
of every ET/EJ row before and after).

Peak memory is the child's own high-water mark (`VmHWM` of /proc/self/status), reset after the set-up (migrations,
nomenclatures) through /proc/self/clear_refs, so the import's peak is printed apart from the set-up's. Not
`getrusage().ru_maxrss`: on Linux a child started by fork+exec inherits its parent's peak there, and this parent
holds the national extract while it generates the FINESS+ files (the « 527 Mo » of earlier runs was the parent's).
CPU time is the child's user+sys (`time.process_time`), plus, on PostgreSQL, the server backend's (its
/proc/<pid>/stat, same machine): on a shared machine CPU time is the fair figure, wall time the user's.

FINESS+ run (`--plus`, or by default after the Etalab run): a national snapshot in the FINESS+ layout is generated
from the same extract (`benchmarks/finess_plus.py`: ≈ 95 000 EGE under 47 000 PMEJ, gzip JSON), then, in a fresh
child process: import of the snapshot, unchanged re-import (rows written counted by the database, history table
included), daily flow of 1 000 changes (600 renamed, 200 closed, 200 new SIRET). Targets: snapshot ≤ 10 s,
re-import 0 row written, daily flow ≤ 2 s, peak memory ≤ 500 MB; the ratio to the Etalab CSV import is printed.

Wall-clock times depend on what else runs on the machine: the load average and the Python process's CPU time
are printed too. Targets (2-core machine): full import ≤ 20 s, re-import ≤ 10 s writing 0 rows, peak memory ≤ 600 MB.
Environment: ESMS_SHARED_DATA (data folder), ESMS_BENCH_POSTGRES (server URL, default
postgres://postgres@127.0.0.1:5432/postgres), ESMS_BENCH_BASE (scratch database name, default esms_bench_<pid>:
created empty, dropped at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
FICHIER = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"
TRANCHE_BASELINE = 5_000
CIBLES = {"import": 20.0, "reimport": 10.0, "memoire_mo": 600.0}
CIBLES_PLUS = {"instantane": 10.0, "flux": 2.0, "memoire_mo": 500.0}
TABLES = ("referentiel_etablissement", "referentiel_organismegestionnaire", "referentiel_changementfiness")


def _memoire_mo() -> float:
    """This process's peak resident memory (MB) since it started or since `_remettre_pic_a_zero`."""
    try:
        with open("/proc/self/status", encoding="ascii") as statut:
            for ligne in statut:
                if ligne.startswith("VmHWM:"):
                    return int(ligne.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # inherits the parent's peak: upper bound


def _remettre_pic_a_zero() -> None:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as pic:
            pic.write("5")  # Linux ≥ 4.0: reset the peak resident set size to the current one
    except OSError:
        pass


class _Chrono:
    """Wall and CPU seconds of one step: this process's user+sys, plus the PostgreSQL backend's."""

    def __init__(self, connection) -> None:
        self.stat_serveur: Path | None = None
        if connection.vendor == "postgresql":
            with connection.cursor() as curseur:
                curseur.execute("SELECT pg_backend_pid()")
                self.stat_serveur = Path(f"/proc/{curseur.fetchone()[0]}/stat")

    def _cpu_serveur(self) -> float:
        if self.stat_serveur is None or not self.stat_serveur.exists():
            return 0.0
        champs = self.stat_serveur.read_text().rsplit(")", 1)[1].split()
        return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def __enter__(self) -> _Chrono:
        self.debut, self.cpu, self.serveur = time.perf_counter(), time.process_time(), self._cpu_serveur()
        return self

    def __exit__(self, *exc) -> None:
        self.secondes = time.perf_counter() - self.debut
        self.cpu_client = time.process_time() - self.cpu
        self.cpu_serveur = self._cpu_serveur() - self.serveur
        self.cpu_total = self.cpu_client + self.cpu_serveur


# --------------------------------------------------------------------------------------------------------------
# Child process: one back-end


class _CompteurEcritures:
    """Rows inserted/updated/deleted in the ET and EJ tables, as the database sees them."""

    def __init__(self, connection):
        self.connection = connection
        self.avant: dict[str, object] = {}

    def demarrer(self) -> None:
        with self.connection.cursor() as curseur:
            if self.connection.vendor == "sqlite":
                curseur.execute("CREATE TEMP TABLE IF NOT EXISTS bench_ecritures (n INTEGER)")
                curseur.execute("DELETE FROM bench_ecritures")
                curseur.execute("INSERT INTO bench_ecritures VALUES (0)")
                for table in TABLES:
                    for operation in ("INSERT", "UPDATE", "DELETE"):
                        curseur.execute(
                            f"CREATE TEMP TRIGGER IF NOT EXISTS bench_{table}_{operation} AFTER {operation} ON {table} "
                            "BEGIN UPDATE bench_ecritures SET n = n + 1; END")
            else:
                for table in TABLES:
                    curseur.execute(f"SELECT ctid::text, xmin::text FROM {table}")
                    self.avant[table] = set(curseur.fetchall())

    def compter(self) -> int:
        with self.connection.cursor() as curseur:
            if self.connection.vendor == "sqlite":
                curseur.execute("SELECT n FROM bench_ecritures")
                return curseur.fetchone()[0]
            total = 0
            for table in TABLES:
                curseur.execute(f"SELECT ctid::text, xmin::text FROM {table}")
                total += len(set(curseur.fetchall()) - self.avant[table])
            return total


def _baseline(chemin: Path) -> dict:
    """Naive per-row `update_or_create` on the first rows of the file, in one transaction rolled back."""
    from django.db import transaction

    from esms.referentiel.importer import format_et
    from esms.referentiel.importer.analyse import analyser_fichier
    from esms.referentiel.models import Etablissement, OrganismeGestionnaire
    from esms.referentiel.services import contexte_import

    analyse = analyser_fichier(chemin, contexte_import())
    lignes = analyse.extrait.lignes[:TRANCHE_BASELINE]
    colonnes = format_et.COLONNES
    debut = time.perf_counter()
    with transaction.atomic():
        for ligne in lignes:
            valeurs = dict(zip(colonnes, ligne, strict=True))
            OrganismeGestionnaire.objects.get_or_create(finess_ej=valeurs.pop("organisme_id"))
            valeurs["organisme_id"] = ligne[1]
            finess = valeurs.pop("finess_et")
            Etablissement.objects.update_or_create(finess_et=finess, defaults=valeurs)
        duree = time.perf_counter() - debut
        transaction.set_rollback(True)
    par_ligne = duree / len(lignes)
    return {"lignes": len(lignes), "secondes": duree, "extrapole_secondes": par_ligne * len(analyse.extrait.lignes)}


def executer(backend: str) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from esms.comptes.permissions import SYSTEME
    from esms.referentiel.models import Etablissement
    from esms.referentiel.services import charger_referentiel, importer_finess

    chemin = Path(settings.SHARED_DATA_DIR) / FICHIER
    call_command("migrate", verbosity=0)
    charger_referentiel(actor=SYSTEME)
    memoire_depart = _memoire_mo()
    _remettre_pic_a_zero()

    with _Chrono(connection) as chrono:
        premier = importer_finess(actor=SYSTEME, chemin=chemin)
    duree_import, cpu_import = chrono.secondes, chrono.cpu_total

    compteur = _CompteurEcritures(connection)
    compteur.demarrer()
    with _Chrono(connection) as chrono:
        second = importer_finess(actor=SYSTEME, chemin=chemin)
    duree_reimport, cpu_reimport = chrono.secondes, chrono.cpu_total
    ecrites = compteur.compter()
    memoire = _memoire_mo()

    baseline = _baseline(chemin)
    return {
        "backend": backend, "etablissements": Etablissement.objects.count(),
        "import_secondes": duree_import, "import_cpu_secondes": cpu_import, "lignes_par_seconde": premier.nb_crees / duree_import,
        "crees": premier.nb_crees, "organismes_ebauches": premier.details.get("organismes_ebauches"),
        "reimport_secondes": duree_reimport, "reimport_cpu_secondes": cpu_reimport,
        "charge_machine": os.getloadavg()[0],
        "reimport_compteurs": [second.nb_crees, second.nb_modifies, second.nb_fermes],
        "reimport_lignes_ecrites": ecrites,
        "memoire_depart_mo": memoire_depart, "memoire_pic_mo": memoire,
        "baseline": baseline, "ratio": baseline["extrapole_secondes"] / duree_import,
    }


def executer_plus(backend: str) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from esms.comptes.permissions import SYSTEME
    from esms.referentiel.models import ChangementFiness, Etablissement, OrganismeGestionnaire
    from esms.referentiel.services import charger_referentiel, importer_finess

    instantane, flux = Path(os.environ["ESMS_BENCH_INSTANTANE"]), Path(os.environ["ESMS_BENCH_FLUX"])
    call_command("migrate", verbosity=0)
    charger_referentiel(actor=SYSTEME)
    memoire_depart = _memoire_mo()
    _remettre_pic_a_zero()
    with _Chrono(connection) as chrono:
        premier = importer_finess(actor=SYSTEME, chemin=instantane)
    duree, cpu_import = chrono.secondes, chrono.cpu_total
    cpu_serveur = chrono.cpu_serveur

    compteur = _CompteurEcritures(connection)
    compteur.demarrer()
    with _Chrono(connection) as chrono:
        second = importer_finess(actor=SYSTEME, chemin=instantane)
    duree_reimport, cpu_reimport = chrono.secondes, chrono.cpu_total
    ecrites = compteur.compter()

    with _Chrono(connection) as chrono:
        quotidien = importer_finess(actor=SYSTEME, chemin=flux)
    duree_flux, cpu_flux = chrono.secondes, chrono.cpu_total
    memoire = _memoire_mo()
    return {
        "backend": backend, "statuts": [premier.statut, second.statut, quotidien.statut],
        "etablissements": Etablissement.objects.count(), "organismes": OrganismeGestionnaire.objects.count(),
        "hors_perimetre": premier.details.get("hors_perimetre"), "rejetes": premier.nb_rejetes,
        "instantane_secondes": duree, "instantane_cpu_secondes": cpu_import, "crees": premier.nb_crees,
        "instantane_cpu_serveur_secondes": cpu_serveur, "reimport_cpu_secondes": cpu_reimport,
        "flux_cpu_secondes": cpu_flux,
        "reimport_secondes": duree_reimport, "reimport_compteurs": [second.nb_crees, second.nb_modifies,
                                                                    second.nb_fermes],
        "reimport_lignes_ecrites": ecrites,
        "flux_secondes": duree_flux, "flux_compteurs": [quotidien.nb_crees, quotidien.nb_modifies,
                                                        quotidien.nb_fermes],
        "flux_changements": ChangementFiness.objects.filter(import_finess=quotidien).count(),
        "memoire_depart_mo": memoire_depart, "memoire_pic_mo": memoire, "charge_machine": os.getloadavg()[0],
    }


# --------------------------------------------------------------------------------------------------------------
# Parent process


def _lancer(backend: str, url: str, var: Path, mode: str = "etalab") -> dict:
    env = {**os.environ, "DATABASE_URL": url, "ESMS_VAR_DIR": str(var), "ESMS_DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "esms.settings.base"}
    processus = subprocess.run([sys.executable, __file__, "--enfant", backend, "--mode", mode], env=env, cwd=RACINE,
                               capture_output=True, text=True, check=False)
    if processus.returncode != 0:
        sys.stderr.write(processus.stdout + processus.stderr)
        raise SystemExit(f"Échec du banc d'essai {backend} (code {processus.returncode}).")
    return json.loads(processus.stdout.strip().splitlines()[-1])


def _sqlite(mode: str = "etalab") -> dict:
    with tempfile.TemporaryDirectory(prefix="esms-bench-") as dossier:
        return _lancer("sqlite", f"sqlite:///{dossier}/bench.sqlite3", Path(dossier) / "var", mode)


def _postgres(mode: str = "etalab") -> dict:
    import psycopg

    serveur = os.environ.get("ESMS_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    base = os.environ.get("ESMS_BENCH_BASE", f"esms_bench_{os.getpid()}")
    with psycopg.connect(serveur, autocommit=True) as connexion:
        connexion.execute(f"DROP DATABASE IF EXISTS {base} WITH (FORCE)")
        connexion.execute(f"CREATE DATABASE {base}")
    try:
        with tempfile.TemporaryDirectory(prefix="esms-bench-") as dossier:
            return _lancer("postgresql", serveur.rsplit("/", 1)[0] + f"/{base}", Path(dossier) / "var", mode)
    finally:
        with psycopg.connect(serveur, autocommit=True) as connexion:
            connexion.execute(f"DROP DATABASE IF EXISTS {base} WITH (FORCE)")


def _afficher(r: dict) -> None:
    ok = lambda condition: "OK " if condition else "HORS CIBLE"  # noqa: E731
    b = r["baseline"]
    print(f"\n== {r['backend']} — {r['etablissements']:,} établissements "
          f"(charge moyenne de la machine : {r['charge_machine']:.1f}) ==".replace(",", " "))
    print(f"  import complet      : {r['import_secondes']:6.2f} s  ({r['lignes_par_seconde']:,.0f} lignes/s ; "
          f"CPU {r['import_cpu_secondes']:.2f} s)  "
          f"[{ok(r['import_secondes'] <= CIBLES['import'])} ≤ {CIBLES['import']:.0f} s]".replace(",", " "))
    print(f"  réimport identique  : {r['reimport_secondes']:6.2f} s  (CPU {r['reimport_cpu_secondes']:.2f} s)  "
          f"créés/modifiés/fermés {r['reimport_compteurs']}, "
          f"lignes écrites (mesurées en base) {r['reimport_lignes_ecrites']}  "
          f"[{ok(r['reimport_secondes'] <= CIBLES['reimport'] and r['reimport_lignes_ecrites'] == 0)} ≤ "
          f"{CIBLES['reimport']:.0f} s, 0 ligne]")
    print(f"  mémoire (pic RSS)   : {r['memoire_pic_mo']:6.0f} Mo pendant les imports ({r['memoire_depart_mo']:.0f} Mo "
          f"pendant la mise en place)  [{ok(r['memoire_pic_mo'] <= CIBLES['memoire_mo'])} ≤ {CIBLES['memoire_mo']:.0f} Mo]")
    print(f"  baseline naïve      : update_or_create ligne à ligne, {b['lignes']} lignes en {b['secondes']:.2f} s "
          f"→ {b['extrapole_secondes']:.0f} s extrapolées pour le fichier (écritures seules), "
          f"soit {r['ratio']:.1f} × notre import")


def _afficher_plus(r: dict, etalab: dict | None) -> None:
    ok = lambda condition: "OK " if condition else "HORS CIBLE"  # noqa: E731
    print(f"\n== FINESS+ {r['backend']} — {r['etablissements']:,} établissements, {r['organismes']:,} organismes "
          f"(charge moyenne de la machine : {r['charge_machine']:.1f}) ==".replace(",", " "))
    serveur = f", dont serveur {r['instantane_cpu_serveur_secondes']:.2f} s" if r["backend"] == "postgresql" else ""
    print(f"  instantané national : {r['instantane_secondes']:6.2f} s  ({r['crees']:,} créés ; CPU "
          f"{r['instantane_cpu_secondes']:.2f} s{serveur})  [{ok(r['instantane_secondes'] <= CIBLES_PLUS['instantane'])} ≤ "
          f"{CIBLES_PLUS['instantane']:.0f} s]".replace(",", " "))
    print(f"  réimport identique  : {r['reimport_secondes']:6.2f} s  (CPU {r['reimport_cpu_secondes']:.2f} s)  "
          f"créés/modifiés/fermés {r['reimport_compteurs']}, "
          f"lignes écrites (mesurées en base, historique compris) {r['reimport_lignes_ecrites']}  "
          f"[{ok(r['reimport_lignes_ecrites'] == 0)} 0 ligne]")
    print(f"  flux quotidien      : {r['flux_secondes']:6.2f} s  (CPU {r['flux_cpu_secondes']:.2f} s)  "
          f"créés/modifiés/fermés {r['flux_compteurs']}, "
          f"{r['flux_changements']} lignes d'historique  [{ok(r['flux_secondes'] <= CIBLES_PLUS['flux'])} ≤ "
          f"{CIBLES_PLUS['flux']:.0f} s]")
    print(f"  mémoire (pic RSS)   : {r['memoire_pic_mo']:6.0f} Mo pendant les imports ({r['memoire_depart_mo']:.0f} Mo "
          f"pendant la mise en place)  [{ok(r['memoire_pic_mo'] <= CIBLES_PLUS['memoire_mo'])} ≤ "
          f"{CIBLES_PLUS['memoire_mo']:.0f} Mo]")
    if etalab is not None:
        print(f"  rapport à l'import Etalab CSV des mêmes établissements : durée {r['instantane_secondes']:.2f} s / "
              f"{etalab['import_secondes']:.2f} s = {r['instantane_secondes'] / etalab['import_secondes']:.2f} ; "
              f"CPU {r['instantane_cpu_secondes']:.2f} s / {etalab['import_cpu_secondes']:.2f} s = "
              f"{r['instantane_cpu_secondes'] / etalab['import_cpu_secondes']:.2f}")


def _fichiers_plus(dossier: Path) -> None:
    from datetime import date

    sys.path.insert(0, str(RACINE))
    from benchmarks.finess_plus import generer

    instantane = dossier / "finess-structures-mensuel-202606.json.gz"
    flux = dossier / "finess-structures-journalier-20260602.json.gz"
    generer(instantane, jour=date(2026, 6, 1))
    generer(flux, jour=date(2026, 6, 2), journalier=1000)
    os.environ["ESMS_BENCH_INSTANTANE"], os.environ["ESMS_BENCH_FLUX"] = str(instantane), str(flux)


def main() -> None:
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument("--sqlite", action="store_true", help="SQLite seulement")
    parseur.add_argument("--postgres", action="store_true", help="PostgreSQL seulement")
    parseur.add_argument("--json", action="store_true", help="afficher aussi les résultats bruts en JSON")
    parseur.add_argument("--plus", action="store_true", help="FINESS+ seulement (sans la passe Etalab)")
    parseur.add_argument("--etalab", action="store_true", help="Etalab CSV seulement")
    parseur.add_argument("--enfant", help=argparse.SUPPRESS)
    parseur.add_argument("--mode", default="etalab", help=argparse.SUPPRESS)
    arguments = parseur.parse_args()
    if arguments.enfant:
        sys.path.insert(0, str(RACINE / "src"))
        executeur = executer_plus if arguments.mode == "plus" else executer
        print(json.dumps(executeur(arguments.enfant)))
        return
    donnees = Path(os.environ.get("ESMS_SHARED_DATA", RACINE.parent / "shared" / "data"))
    if not (donnees / FICHIER).is_file():
        raise SystemExit(f"Fichier national introuvable : {donnees / FICHIER} (variable ESMS_SHARED_DATA).")
    tous = not (arguments.sqlite or arguments.postgres)
    modes = ["plus"] if arguments.plus else ["etalab"] if arguments.etalab else ["etalab", "plus"]
    resultats = []
    with tempfile.TemporaryDirectory(prefix="esms-bench-plus-") as fichiers:
        if "plus" in modes:
            _fichiers_plus(Path(fichiers))
        for backend, lancer in (("sqlite", _sqlite), ("postgresql", _postgres)):
            if not (tous or getattr(arguments, "sqlite" if backend == "sqlite" else "postgres")):
                continue
            etalab = None
            if "etalab" in modes:
                etalab = lancer("etalab")
                resultats.append(etalab)
                _afficher(etalab)
            if "plus" in modes:
                resultats.append(lancer("plus"))
                _afficher_plus(resultats[-1], etalab)
    if arguments.json:
        print(json.dumps(resultats, ensure_ascii=False))


if __name__ == "__main__":
    main()
