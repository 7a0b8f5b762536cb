"""Scale-out path: the DUI-actif query, written once in DuckDB SQL and transpiled by SQLGlot, gives the same
counts on Apache Spark (PySpark, local mode) as on DuckDB. Skipped, with its reason, without PySpark or Java."""

from __future__ import annotations

import random
import shutil
import subprocess
from datetime import date

import pytest

from esms.rules.dui_actif import DefinitionDuiActif
from esms.usages.preuves.recalcul import recompter
from tests.usages.fabrique import parquet_bytes


def _java_17_ou_plus() -> str | None:
    java = shutil.which("java")
    if java is None:
        return "Java introuvable (PySpark demande Java 17 ou plus)"
    sortie = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    try:
        majeure = int(sortie.split('"')[1].split(".")[0])
    except (IndexError, ValueError):
        return f"version de Java illisible : {sortie.strip()[:80]}"
    return None if majeure >= 17 else f"Java {majeure} trop ancien (17 ou plus requis)"


@pytest.fixture(scope="module")
def spark():
    pyspark = pytest.importorskip("pyspark", reason="PySpark absent : installez l'extra « spark » (uv sync --extra spark)")
    raison = _java_17_ou_plus()
    if raison:
        pytest.skip(raison)
    session = (pyspark.sql.SparkSession.builder.master("local[1]").appName("esms-dui-actifs")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.driver.memory", "1g").getOrCreate())
    yield session
    session.stop()


def _lignes(graine: int = 7) -> list[str]:
    aleatoire = random.Random(graine)
    ets = ["010000016", "010000024", "010000032", "690000013"]
    types = ["creation", "mise_a_jour", "consultation"]
    lignes = []
    for n in range(3000):
        jour = date(2024, 9, 1).toordinal() + aleatoire.randrange(0, 122)
        heure = aleatoire.randrange(0, 24)
        lignes.append(f"U{aleatoire.randrange(400):04d};{aleatoire.choice(ets)};{date.fromordinal(jour).isoformat()}"
                      f"T{heure:02d}:{n % 60:02d}:00+0{1 + (n % 2)}:00;{aleatoire.choice(types)};infirmier")
    return lignes


@pytest.mark.parametrize("ecritures_min,fenetre_jours", [(1, 90), (3, 30)])
def test_spark_gives_the_same_counts_as_duckdb(spark, tmp_path, ecritures_min, fenetre_jours):
    from esms.usages.preuves.spark import recompter_spark

    chemin = tmp_path / "preuve.parquet"
    chemin.write_bytes(parquet_bytes(_lignes()))
    definition = DefinitionDuiActif(date(2024, 9, 1), date(2024, 12, 31), ecritures_min, fenetre_jours)
    duckdb = recompter(chemin, nom="preuve.parquet", definition=definition).par_etablissement
    assert sum(duckdb.values()) > 0
    assert recompter_spark(spark, str(chemin), definition) == duckdb
