"""Dates as spreadsheets write them: « 28/02/2024 », « 2024-02-28 » (an XLSX date cell arrives as ISO)."""

from __future__ import annotations

from datetime import date, datetime


def lire_date(brut: str) -> date:
    """A date, or ValueError."""
    texte = brut.strip()
    for format_ in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    if "T" in texte:
        return datetime.fromisoformat(texte).date()
    raise ValueError(texte)
