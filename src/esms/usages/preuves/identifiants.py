"""Direct identifiers that must never enter the platform: NIR / NIA (the INS matricule), the historical
INS-C, INS OIDs, birth dates. Python checks (for one value) and the same checks as DuckDB SQL predicates
(for millions of values).

Two levels: a whole value that *is* an identifier (`motif_identifiant` / `predicat_sql`), and a value that
*contains* a NIR with a valid key among other characters, e.g. `usager=pat-<NIR>` (`nir_contenu` /
`contient_sql`); `predicat_complet_sql` is either. Every text column of an evidence file is checked."""

from __future__ import annotations

import re

_NIR = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{8}")
_INS_C = re.compile(r"[0-9]{22}")
_DATE = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})")
OID_INS = "1.2.250.1.213.1.4."
# A NIR-shaped run of characters inside a value, not glued to other digits (group 1 is the candidate).
_NIR_DANS = r"(?:^|[^0-9])([1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{8})(?:[^0-9]|$)"


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


def nir_contenu(valeur: str | None) -> bool:
    """`valeur` contains, among other characters, a NIR with a valid key (spaces ignored)."""
    if not valeur or len(valeur) < 15:
        return False
    compact = valeur.replace(" ", "").upper()
    return any(cle_nir_valide(candidat) for candidat in re.findall(_NIR_DANS, compact))


def contient_sql(colonne: str) -> str:
    """DuckDB predicate: `colonne` contains a NIR with a valid key (same rule as `nir_contenu`). Values shorter
    than a NIR, or without 13 digits in a row, skip the extraction."""
    compact = f"upper(replace({colonne}, ' ', ''))"
    cle = ("97 - (TRY_CAST(replace(replace(substr(x, 1, 13), '2A', '19'), '2B', '18') AS HUGEINT) % 97)"
           " = TRY_CAST(substr(x, 14, 2) AS INTEGER)")
    return (f"coalesce(CASE WHEN length({colonne}) >= 15 AND regexp_matches({colonne}, '[0-9]') THEN "
            f"len(list_filter(regexp_extract_all({compact}, '{_NIR_DANS}', 1), lambda x: {cle})) > 0 "
            "ELSE false END, false)")


def predicat_complet_sql(colonne: str) -> str:
    """`colonne` is, or contains, a direct identifier."""
    return f"({predicat_sql(colonne)} OR {contient_sql(colonne)})"


def seulement_si(condition: str, predicat: str) -> str:
    """`predicat`, evaluated only on the rows matching `condition` (DuckDB evaluates CASE branches lazily)."""
    return f"coalesce(CASE WHEN {condition} THEN {predicat} ELSE false END, false)"


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
