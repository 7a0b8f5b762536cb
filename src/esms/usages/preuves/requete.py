"""The DUI-actif query, written once in DuckDB SQL and transpiled to Spark SQL with SQLGlot.

Every statement reads a relation `evenements(usager, finess_et, horodatage TIMESTAMPTZ, type_evenement,
role_auteur)`; how that relation is built from a file is the reader's business (`lecture.py` for DuckDB,
the caller for Spark).

- `sql_controle(definition)` → one ungrouped, vectorised pass counting events, empty identifiers and each
  anomaly class of `conditions` (unparsable timestamp, unknown event type, empty role, outside the period):
  on Parquet it costs about a tenth of the count;
- `sql_bilan(definition)` → the DUI-actif query proper: events grouped per DUI (establishment × user file),
  then per establishment `dui_actifs` (DUIs with at least `ecritures_min` writes in the window) and DUIs.
"""

from __future__ import annotations

from datetime import datetime

import sqlglot

from esms.rules.dui_actif import TYPES_ECRITURE, TYPES_EVENEMENT, DefinitionDuiActif


def _instant(valeur: datetime) -> str:
    return f"TIMESTAMPTZ '{valeur.isoformat(sep=' ')}'"


def _liste(valeurs: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in valeurs)


def _vide(colonne: str) -> str:
    """Empty, or starting with a space or a control character: `< '!'` is a plain comparison, some ten times
    cheaper than `trim(…) = ''` over millions of values."""
    return f"{colonne} < '!'"


def conditions(definition: DefinitionDuiActif) -> dict[str, str]:
    """The anomaly classes, as predicates over `evenements` (in the order errors are reported)."""
    debut, fin = _instant(definition.instant_debut), _instant(definition.instant_fin)
    return {
        "horodatage": "horodatage IS NULL",
        "type_evenement": f"type_evenement IS NULL OR type_evenement NOT IN ({_liste(TYPES_EVENEMENT)})",
        "role_auteur": f"role_auteur IS NULL OR {_vide('role_auteur')}",
        "periode": f"horodatage < {debut} OR horodatage >= {fin}",
    }


def sql_controle(definition: DefinitionDuiActif, relation: str = "evenements", controles: str = "") -> str:
    """One cheap, ungrouped pass: the number of events, of empty identifiers and of each anomaly class.
    `controles`: extra aggregate columns (DuckDB adds its identifier guard on the other columns)."""
    classes = ",\n       ".join(f"count_if({condition}) AS nb_{classe}" for classe, condition in conditions(definition).items())
    return f"""
SELECT count(*) AS nb_evenements,
       count_if(usager IS NULL OR {_vide('usager')}) AS nb_usagers_vides,
       count_if(finess_et IS NULL OR {_vide('finess_et')}) AS nb_finess_vides,
       {classes}{controles}
FROM {relation}
""".strip()  # noqa: S608 (dates of a checked definition)


def sql_par_dui(definition: DefinitionDuiActif, relation: str = "evenements") -> str:
    """One row per DUI (establishment × user file) with its number of writes in the window."""
    fin, fenetre = _instant(definition.instant_fin), _instant(definition.instant_fenetre)
    return f"""
SELECT finess_et, usager,
       count_if(type_evenement IN ({_liste(TYPES_ECRITURE)}) AND horodatage >= {fenetre} AND horodatage < {fin})
           AS nb_ecritures
FROM {relation}
GROUP BY finess_et, usager
""".strip()  # noqa: S608 (dates and integers of a checked definition)


def sql_bilan(definition: DefinitionDuiActif, *, relation: str = "evenements", controles: str = "") -> str:
    """The DUI-actif query: per establishment, its active DUIs (at least `ecritures_min` writes in the window)
    and its DUIs. `controles`: extra aggregate columns over `par_dui` (DuckDB adds its identifier guard)."""
    return f"""
WITH par_dui AS ({sql_par_dui(definition, relation)})
SELECT finess_et,
       count_if(nb_ecritures >= {int(definition.ecritures_min)}) AS dui_actifs,
       count(*) AS nb_dui{controles}
FROM par_dui
GROUP BY finess_et
""".strip()  # noqa: S608


def pour_spark(sql: str) -> str:
    """The same statement in Spark SQL (SQLGlot)."""
    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]
