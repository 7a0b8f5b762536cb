"""SIREN numbers (INSEE): nine digits whose Luhn key is valid."""

from __future__ import annotations


def luhn_valide(chiffres: str) -> bool:
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        valeur = int(caractere)
        if rang % 2 == 1:
            valeur *= 2
            if valeur > 9:
                valeur -= 9
        total += valeur
    return total % 10 == 0


def normaliser_siren(brut: str) -> str:
    """Digits only (a spreadsheet may write « 123 456 789 »)."""
    return "".join(str(brut).split())


def erreur_siren(brut: str) -> str | None:
    """French explanation of what is wrong with a SIREN number, or None when it is valid."""
    siren = normaliser_siren(brut)
    if not siren:
        return "SIREN manquant"
    if len(siren) != 9 or not siren.isdigit():
        return f"SIREN « {brut} » mal formé (9 chiffres attendus)"
    if not luhn_valide(siren):
        return f"SIREN {siren} : clé de contrôle invalide (algorithme de Luhn)"
    return None
