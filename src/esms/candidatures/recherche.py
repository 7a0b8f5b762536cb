"""Accent- and case-insensitive text matching, identical on SQLite and PostgreSQL (« isere » finds « Isère »).

Both sides of a comparison are folded the same way: lower case, then each accented Latin letter replaced by
its base letter through one character table. PostgreSQL applies it with its built-in `translate` (no extension
to install); SQLite with a deterministic function registered on the connection, running the same table in
Python. The search term is folded in Python by `plier`.
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, F, Func, Q

_MINUSCULES = "àáâãäåāçćčèéêëēėęìíîïīñńòóôõöōùúûüūýÿžš"
ACCENTUES = _MINUSCULES + _MINUSCULES.upper()
# Each letter's base letter (its canonical decomposition's first character), lower case.
SIMPLES = "".join(unicodedata.normalize("NFD", c)[0].lower() for c in ACCENTUES)
_TABLE = str.maketrans(ACCENTUES, SIMPLES)
_FONCTION_SQLITE = "esms_plier"


def plier(texte: str | None) -> str:
    """The folded form of a text: lower case, without accents (what the database compares)."""
    return (texte or "").lower().translate(_TABLE)


class Plier(Func):
    """The folded form of a column, computed by the database."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=f"translate(lower(%(expressions)s), '{ACCENTUES}', "
                                                           f"'{SIMPLES}')", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        connection.ensure_connection()
        # Registering again on the same connection is harmless and keeps this independent of connection setup.
        connection.connection.create_function(_FONCTION_SQLITE, 1, plier, deterministic=True)
        return self.as_sql(compiler, connection, function=_FONCTION_SQLITE, **extra)


def contient(champs: list[str], terme: str) -> Q:
    """Rows where one of `champs` contains `terme`, ignoring case and accents (use with `alias_plies`)."""
    plie = plier(terme.strip())
    q = Q()
    for champ in champs:
        q |= Q(**{f"{_alias(champ)}__contains": plie})
    return q


def _alias(champ: str) -> str:
    return "plie_" + champ.replace("__", "_")


def alias_plies(champs: list[str]) -> dict[str, Plier]:
    """The aliases `contient` compares against, to pass to `QuerySet.alias`."""
    return {_alias(champ): Plier(F(champ)) for champ in champs}
