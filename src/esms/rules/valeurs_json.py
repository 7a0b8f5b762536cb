"""Plain JSON form of parameter values (Decimal → int/float, date → ISO, tuple → list, dataclass → dict)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def jsonable(valeur: Any) -> Any:
    """JSON-serialisable copy of `valeur`; Decimals become int when integral, else float (ratios only)."""
    if valeur is None or isinstance(valeur, bool | int | str):
        return valeur
    if isinstance(valeur, Decimal):
        return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
    if isinstance(valeur, datetime | date):
        return valeur.isoformat()
    if isinstance(valeur, Mapping):
        return {str(cle): jsonable(v) for cle, v in valeur.items()}
    if isinstance(valeur, tuple | list | frozenset | set):
        return [jsonable(v) for v in valeur]
    if dataclasses.is_dataclass(valeur) and not isinstance(valeur, type):
        return {f.name: jsonable(getattr(valeur, f.name)) for f in dataclasses.fields(valeur)}
    return str(valeur)
