"""Strict numbers for every input (files, forms, API): bounded counts, decimals and amounts with a maximum of
digits, no exponent, no float.

- a **count** (`compte`) is an integer from 0 to `COMPTE_MAX` (ten million: more than the users of every
  ESSMS of France in one file), written with digits only
  (spaces as thousands separators accepted): `12`, `1 234`. Refused: `12.5`, `1e3`, `1e999999`, `-1`,
  `12.0` typed as text, a float, a boolean, anything above the bound;
- a **decimal** (`decimal_borne`, indicator values) has at most `DECIMAL_CHIFFRES` digits before the
  separator and `DECIMAL_DECIMALES` after it (comma or dot), no exponent;
- an **amount** (`montant`, euros) has at most `MONTANT_CHIFFRES` digits before the separator (below
  1 000 milliards €) and 2 after it; `MONTANT_MAX` is the largest amount anywhere in the platform.

Each parser raises `NombreInvalide` (a ValueError) with a French reason; callers prefix the place (file,
line, column, field). Text is checked by a regular expression before any conversion, so no input can cost
more than its length.
"""

from __future__ import annotations

import re
from decimal import Decimal

COMPTE_MAX = 10_000_000
DECIMAL_CHIFFRES = 12
DECIMAL_DECIMALES = 6
MONTANT_CHIFFRES = 12
MONTANT_DECIMALES = 2
MONTANT_MAX = 10**MONTANT_CHIFFRES - 1
LONGUEUR_MAX = 40

_SEPARATEURS = str.maketrans("", "", " \u00a0\u202f")
_ENTIER = re.compile(r"\+?[0-9]+")
_DECIMAL = re.compile(r"([+-]?)([0-9]+)(?:[.,]([0-9]+))?")


class NombreInvalide(ValueError):
    """A number refused, with the French reason."""


def _texte(brut: object) -> str | None:
    """The text of a cell or field without thousands separators; None when empty."""
    if brut is None:
        return None
    if isinstance(brut, bool) or not isinstance(brut, str | int | Decimal | float):
        raise NombreInvalide(f"nombre attendu (reçu « {str(brut)[:LONGUEUR_MAX]} »)")
    texte = str(brut).strip()
    if not texte:
        return None
    if len(texte) > LONGUEUR_MAX:
        raise NombreInvalide(f"nombre trop long (plus de {LONGUEUR_MAX} caractères : « {texte[:20]}… »)")
    return texte.translate(_SEPARATEURS)


def compte(brut: object, *, maximum: int = COMPTE_MAX) -> int | None:
    """A count from text, an int, or an integral float read from a spreadsheet cell; None when empty."""
    if isinstance(brut, float):
        if not brut.is_integer():
            raise NombreInvalide(f"nombre entier attendu (reçu « {brut} »)")
        brut = int(brut)
    if isinstance(brut, int) and not isinstance(brut, bool):
        valeur = brut
    else:
        texte = _texte(brut)
        if texte is None:
            return None
        if not _ENTIER.fullmatch(texte):
            raise NombreInvalide(f"nombre entier positif attendu, en chiffres (reçu « {brut} »)")
        if len(texte.lstrip("+0")) > len(str(maximum)):
            raise NombreInvalide(f"nombre supérieur au maximum admis ({maximum:,}) (reçu « {brut} »)".replace(",", "\u202f"))
        valeur = int(texte)
    if valeur < 0:
        raise NombreInvalide(f"nombre entier positif attendu (reçu « {valeur} »)")
    if valeur > maximum:
        raise NombreInvalide(f"nombre supérieur au maximum admis ({maximum:,}) (reçu « {valeur} »)".replace(",", "\u202f"))
    return valeur


def decimal_borne(brut: object, *, chiffres: int = DECIMAL_CHIFFRES, decimales: int = DECIMAL_DECIMALES,
                  negatif: bool = False) -> Decimal | None:
    """A decimal with at most `chiffres` integer digits and `decimales` decimals (comma or dot); None when empty."""
    if isinstance(brut, float):
        if brut != brut or brut in (float("inf"), float("-inf")):
            raise NombreInvalide(f"nombre attendu (reçu « {brut} »)")
        brut = repr(brut)
    texte = _texte(brut)
    if texte is None:
        return None
    trouve = _DECIMAL.fullmatch(texte)
    if trouve is None:
        raise NombreInvalide(f"nombre décimal attendu, en chiffres, sans exposant (reçu « {brut} »)")
    signe, entiere, fraction = trouve.group(1), trouve.group(2).lstrip("0"), (trouve.group(3) or "").rstrip("0")
    if len(entiere) > chiffres:
        raise NombreInvalide(f"nombre trop grand (au plus {chiffres} chiffres avant la virgule, reçu « {brut} »)")
    if len(fraction) > decimales:
        raise NombreInvalide(f"au plus {decimales} décimales (reçu « {brut} »)")
    valeur = Decimal(f"{signe}{entiere or '0'}.{fraction or '0'}")
    if valeur < 0 and not negatif:
        raise NombreInvalide(f"valeur négative (reçu « {brut} »)")
    return valeur


def montant(brut: object, *, entier: bool = False) -> Decimal | None:
    """An amount in euros (at most `MONTANT_CHIFFRES` digits before the separator; whole euros if `entier`)."""
    valeur = decimal_borne(brut, chiffres=MONTANT_CHIFFRES, decimales=0 if entier else MONTANT_DECIMALES)
    return valeur


def texte_decimal(valeur: Decimal) -> str:
    """A bounded decimal as plain text (`12.5`, never `1.25E+1`)."""
    return format(valeur.normalize(), "f")
