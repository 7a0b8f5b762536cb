"""Format of FINESS numbers (établissement "ET" or entité juridique "EJ").

A FINESS number has 9 characters: the département on 2 characters (`01`…`95`, `2A`/`2B` for Corse,
`97` followed by a digit for the overseas départements 971–974, `98` for Mayotte, as FINESS numbers them),
then a sequence number, then a check digit computed with the Luhn algorithm over the 8 first digits.

Corsican numbers (`2A…`, `2B…`) contain a letter: their key is the Luhn key of the number with `2A` read
as `21` and `2B` as `22`. The rule was found from the data: it holds for all 490 Corsican ET and 260
Corsican EJ numbers of the national extract of 2021-01-08, and no other one-digit substitution does. Every
numeric number of that extract (94 843 ET) satisfies the plain Luhn key.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FORMAT = re.compile(r"^(?:\d{9}|2[AB]\d{7})$")
_CORSE = {"2A": "21", "2B": "22"}
_DOUBLE = {str(c): (2 * c if c < 5 else 2 * c - 9) for c in range(10)}  # digit doubled, digits summed


def cle_luhn_valide(numero: str) -> bool:
    """True when a string of digits satisfies the Luhn check (the last digit is the key)."""
    total = sum(map(int, numero[::-2])) + sum(map(_DOUBLE.__getitem__, numero[-2::-2]))
    return total % 10 == 0


def cle_finess(corps: str) -> str:
    """The check digit that completes the 8 first characters of a FINESS number (Corsican ones included)."""
    chiffres = _CORSE[corps[:2]] + corps[2:] if corps[:2] in _CORSE else corps
    return next(cle for cle in "0123456789" if cle_luhn_valide(chiffres + cle))


@lru_cache(maxsize=262_144)
def erreur_numero_finess(numero: str) -> str | None:
    """French explanation of what is wrong with a FINESS number, or None when it is well formed."""
    if len(numero) != 9:
        return f"le numéro FINESS doit comporter 9 caractères (reçu {len(numero)})"
    if not (numero.isascii() and numero.isdigit()) and not _FORMAT.match(numero):
        return "le numéro FINESS doit comporter 9 chiffres (ou 2A/2B suivis de 7 chiffres en Corse)"
    if numero[:2] in _CORSE:
        return None if cle_luhn_valide(_CORSE[numero[:2]] + numero[2:]) else "clé de contrôle invalide"
    if numero[:2] == "00" or numero[:2] == "96" or numero[:2] == "99":
        return f"le préfixe départemental « {numero[:2]} » n'existe pas"
    if not cle_luhn_valide(numero):
        return "clé de contrôle invalide"
    return None


# Territories with no ARS among the platform's regions (collectivités d'outre-mer): their FINESS records are
# out of the programme's scope. FINESS numbers them 97 0 5 (SPM) and 98 0 x (x = 4, 6, 7, 8, 9: the INSEE
# 98x code) — evidence: the ANS FINESS+ example files hold Wallis-et-Futuna entities 980600019/27/35 with INSEE
# communes 98611/98613. Saint-Barthélemy (977) and Saint-Martin (978) are filed under Guadeloupe (9A): in scope.
TERRITOIRES_SANS_ARS = {
    "975": "Saint-Pierre-et-Miquelon", "984": "Terres australes et antarctiques françaises",
    "986": "Wallis-et-Futuna", "987": "Polynésie française", "988": "Nouvelle-Calédonie", "989": "Clipperton",
}


def territoire_sans_ars(numero: str, code_commune: str = "") -> str | None:
    """Name of the territory without an ARS a FINESS record belongs to (by number or INSEE commune), or None."""
    for code in (departement_du_numero(numero) or "", code_commune[:3]):
        if code in TERRITOIRES_SANS_ARS:
            return TERRITOIRES_SANS_ARS[code]
    return None


def departement_du_numero(numero: str) -> str | None:
    """Département encoded in a FINESS number, as an INSEE code ("75", "2A", "971"), or None.

    Collectivités d'outre-mer give their INSEE code ("975", "986"…: see TERRITOIRES_SANS_ARS)."""
    prefixe = numero[:2]
    if prefixe == "97":
        if numero[2:4] == "05":
            return "975"
        return f"97{numero[3]}" if numero[2] == "0" and numero[3] in "1234" else None
    if prefixe == "98":
        return f"98{numero[3]}" if numero[2] == "0" and numero[3] in "46789" else "976"
    if prefixe == "20":
        return None
    return prefixe
