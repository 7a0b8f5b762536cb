"""Limit/offset pagination with the total count: `?limit=50&offset=100` → `{total, limit, offset, items}`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

LIMITE_DEFAUT = 50
LIMITE_MAX = 200
DECALAGE_MAX = 1_000_000


class Pagination(Schema):
    limit: int = Field(LIMITE_DEFAUT, ge=1, le=LIMITE_MAX,
                       description=f"Nombre maximal d'éléments renvoyés (1 à {LIMITE_MAX}, {LIMITE_DEFAUT} par défaut).")
    offset: int = Field(0, ge=0, le=DECALAGE_MAX, description="Nombre d'éléments à sauter depuis le début.")


class Page(Schema):
    """Base of every paginated answer; subclasses declare `items`."""

    total: int = Field(description="Nombre total d'éléments correspondant à la requête.")
    limit: int
    offset: int


def paginer(elements: QuerySet | list, pagination: Pagination,
            transformer: Callable[[Iterable[Any]], Iterable[Any]] | None = None) -> dict[str, Any]:
    """One page of `elements` and their total; `transformer` may enrich the page's rows in bulk."""
    total = elements.count() if isinstance(elements, QuerySet) else len(elements)
    debut = pagination.offset
    lignes = list(elements[debut:debut + pagination.limit]) if debut < total else []
    if transformer is not None:
        lignes = list(transformer(lignes))
    return {"total": total, "limit": pagination.limit, "offset": pagination.offset, "items": lignes}
