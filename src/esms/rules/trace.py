"""Building the explanation trace: `Motif` entries naming the parameters used and their sources,
plus the French formatting of amounts, dates and ratios used in messages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from esms.rules.modeles import Motif
from esms.rules.parametres import Parametre
from esms.rules.valeurs_json import jsonable

__all__ = ["date_fr", "euros", "instant_fr", "jsonable", "motif", "pourcentage", "sources"]


@lru_cache(maxsize=4096)
def _joindre_sources(textes: tuple[str, ...]) -> str:
    vues: dict[str, None] = {}
    for texte in textes:
        for partie in texte.split(" ; "):
            if partie.strip():
                vues.setdefault(partie.strip(), None)
    return " ; ".join(vues)


def sources(parametres: Iterable[Parametre[Any]], *autres: str) -> str:
    """Distinct sources (each « ; »-separated reference once), in order of first use, joined by « ; »."""
    return _joindre_sources((*(p.source for p in parametres), *autres))


def motif(
    rule: str,
    ok: bool,
    message: str,
    parametres: Iterable[Parametre[Any]] = (),
    *,
    source: str = "",
    finess_et: str | None = None,
    bloquant: bool = True,
) -> Motif:
    """A trace entry; `parameters` maps each parameter's dotted name to its value."""
    utilises = tuple(parametres)
    return Motif(
        rule=rule,
        ok=ok,
        message=message,
        parameters=MappingProxyType({p.nom: p.valeur_json for p in utilises}),
        source=sources(utilises, source),
        finess_et=finess_et,
        bloquant=bloquant,
    )


def euros(montant: int) -> str:
    """25000 → « 25 000 € »."""
    return f"{montant:,} €".replace(",", " ")


def pourcentage(ratio: Decimal) -> str:
    """Decimal("0.75") → « 75 % »."""
    valeur = (ratio * 100).normalize()
    texte = f"{valeur:f}".rstrip("0").rstrip(".") if "." in f"{valeur:f}" else f"{valeur:f}"
    return f"{texte.replace('.', ',')} %"


def date_fr(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")


def instant_fr(instant: datetime) -> str:
    return instant.strftime("%d/%m/%Y à %H:%M:%S")
