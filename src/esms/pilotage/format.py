"""French number formatting, shared by the tables and the charts (kept apart from matplotlib, which only the
computation of the aggregates needs: reading a page never imports it)."""

from __future__ import annotations


def nombre(valeur: float | None, *, decimales: int = 0, unite: str = "") -> str:
    """French number formatting: narrow no-break space between thousands, decimal comma."""
    if valeur is None:
        return "—"
    texte = f"{valeur:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")
    return f"{texte}{unite}"
