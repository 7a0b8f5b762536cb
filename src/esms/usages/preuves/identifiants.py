"""Direct identifiers that must never enter the platform: NIR / NIA (the INS matricule), the historical
INS-C, INS OIDs, birth dates. Python checks (for one value) and the same checks as DuckDB SQL predicates
(for millions of values)."""

from __future__ import annotations

import re

_NIR = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{8}")
_INS_C = re.compile(r"[0-9]{22}")
_DATE = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})")
OID_INS = "1.2.250.1.213.1.4."


def cle_nir_valide(nir: str) -> bool:
    """The 2-digit key of a 15-character NIR/NIA: 97 − (13 first characters mod 97), Corsica 2A→19, 2B→18."""
    corps = nir[:13].upper().replace("2A", "19").replace("2B", "18")
    return corps.isdigit() and nir[13:].isdigit() and 97 - int(corps) % 97 == int(nir[13:])


def motif_identifiant(valeur: str | None) -> str | None:
    """Why `valeur` looks like a direct identifier, or None."""
    if not valeur:
        return None
    compact = valeur.replace(" ", "").upper()
    if _NIR.fullmatch(compact) and cle_nir_valide(compact):
        return "numéro de sécurité sociale (NIR / INS) avec une clé de contrôle valide"
    if _INS_C.fullmatch(compact):
        return "INS calculé (INS-C, 22 chiffres)"
    if OID_INS in valeur:
        return "identifiant national de santé (OID de l'INS)"
    if _DATE.fullmatch(valeur.strip()):
        return "date (date de naissance ?)"
    return None


def predicat_sql(colonne: str) -> str:
    """DuckDB predicate: `colonne` looks like a direct identifier (same rules as `motif_identifiant`). Cheap tests
    first — length, and a first character that is a digit or a space (`< ':'`) —: pseudonyms that start with a
    letter, or of another length, skip the regular expressions."""
    compact = f"upper(replace({colonne}, ' ', ''))"
    corps = f"replace(replace(substr({compact}, 1, 13), '2A', '19'), '2B', '18')"
    complet = (
        f"(regexp_full_match({compact}, '{_NIR.pattern}') AND "
        f"97 - (TRY_CAST({corps} AS HUGEINT) % 97) = TRY_CAST(substr({compact}, 14, 2) AS INTEGER))"
        f" OR regexp_full_match({compact}, '{_INS_C.pattern}')"
        f" OR regexp_full_match(trim({colonne}), '{_DATE.pattern}')"
    )
    return (
        f"(coalesce(contains({colonne}, '{OID_INS}'), false) OR coalesce(CASE WHEN length({colonne}) BETWEEN 10 AND 40 "
        f"AND {colonne} < ':' THEN ({complet}) ELSE false END, false))"
    )
