"""The same DUI-actif query on Apache Spark, for national-scale recomputation.

The statements of `requete.py` are transpiled from DuckDB SQL to Spark SQL by SQLGlot (`pour_spark`);
this module only builds the `evenements` relation from a canonical Parquet file and runs them. PySpark is
an optional extra (`uv sync --extra spark`; Java 17 needed); nothing else in the platform imports it.
"""

from __future__ import annotations

from esms.rules.dui_actif import DefinitionDuiActif
from esms.usages.preuves import requete


def recompter_spark(spark, chemin: str, definition: DefinitionDuiActif) -> dict[str, int]:
    """Active DUIs per establishment of a canonical Parquet evidence file, computed by Spark."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    evenements = spark.read.parquet(chemin)
    if dict(evenements.dtypes).get("horodatage") == "string":
        evenements = evenements.withColumn("horodatage", evenements["horodatage"].cast("timestamp"))
    evenements.createOrReplaceTempView("evenements")
    lignes = spark.sql(requete.pour_spark(requete.sql_bilan(definition))).collect()
    return {str(ligne["finess_et"]): int(ligne["dui_actifs"]) for ligne in lignes}
