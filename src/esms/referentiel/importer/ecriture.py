"""Set-based writes for the importer: read current fingerprints, insert, update, close — never one query per row.

- SQLite: `executemany` of one INSERT / UPDATE statement (one prepared statement, C loop).
- PostgreSQL: `COPY … FROM STDIN` (psycopg 3) into the table for inserts, and into a temporary table followed
  by one `UPDATE … FROM` for updates.
Bulk loads (e.g. the first national import) run inside `index_suspendus`: the table's secondary indexes — and,
on PostgreSQL, its foreign keys — are dropped, the rows inserted, then the indexes rebuilt in one sort each and
the foreign keys re-added, which validates every row with a single join instead of one trigger per row.
Everything happens in the caller's transaction (DDL is transactional on both back-ends): a failure restores
the table as it was. The table is locked for writing meanwhile, which an import already implies.
Callers run these inside their transaction. Rows are tuples whose first value is the primary key; columns are
model attribute names, mapped to database columns through the model's metadata. Columns left out of an insert
get the field's default (e.g. '' for the qualification fields).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.db.models import Field, Model

LOT_SQLITE = 50_000
LOT_IN = 900  # primary keys per `IN (…)` list


def _colonnes_sql(modele: type[Model], attributs: Sequence[str]) -> list[str]:
    colonnes = []
    for attribut in attributs:
        champ = modele._meta.get_field(attribut)
        if not isinstance(champ, Field) or champ.column is None:
            raise TypeError(f"{modele.__name__}.{attribut} n'est pas une colonne de la table.")
        colonnes.append(connection.ops.quote_name(champ.column))
    return colonnes


def empreintes(modele: type[Model], *champs: str) -> dict[str, tuple]:
    """Primary key → (champs…) of every row, in one query."""
    table = connection.ops.quote_name(modele._meta.db_table)
    colonnes = ", ".join(_colonnes_sql(modele, [modele._meta.pk.attname, *champs]))
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT {colonnes} FROM {table}")  # noqa: S608 — identifiers from model metadata
        return {ligne[0]: ligne[1:] for ligne in curseur.fetchall()}


def _par_defaut(modele: type[Model], attributs: Sequence[str]) -> tuple[list[str], tuple]:
    """Concrete fields missing from `attributs`, with their defaults."""
    manquants = [f for f in modele._meta.concrete_fields
                 if f.attname not in attributs and not getattr(f, "db_returning", False)]  # auto ids: by the DB
    return [f.attname for f in manquants], tuple(f.get_default() for f in manquants)


def inserer(modele: type[Model], attributs: Sequence[str], lignes: Iterable[tuple]) -> int:
    """INSERT every row (new primary keys only). Returns the number of rows written."""
    noms_defaut, defauts = _par_defaut(modele, attributs)
    tous = [*attributs, *noms_defaut]
    table = connection.ops.quote_name(modele._meta.db_table)
    colonnes = ", ".join(_colonnes_sql(modele, tous))
    nombre = 0
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            with curseur.cursor.copy(f"COPY {table} ({colonnes}) FROM STDIN") as copie:
                for ligne in lignes:
                    copie.write_row(ligne + defauts)
                    nombre += 1
            return nombre
        marques = ", ".join(["%s"] * len(tous))
        sql = f"INSERT INTO {table} ({colonnes}) VALUES ({marques})"  # noqa: S608
        flux = iter(lignes)
        while lot := [ligne + defauts for ligne in itertools.islice(flux, LOT_SQLITE)]:
            curseur.executemany(sql, lot)
            nombre += len(lot)
    return nombre


def mettre_a_jour(modele: type[Model], attributs: Sequence[str], lignes: list[tuple]) -> int:
    """UPDATE the rows whose primary key is the first value, setting the other `attributs`."""
    if not lignes:
        return 0
    table = connection.ops.quote_name(modele._meta.db_table)
    colonnes = _colonnes_sql(modele, attributs)
    cle, autres = colonnes[0], colonnes[1:]
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            temporaire = connection.ops.quote_name(f"tmp_{modele._meta.db_table}")
            curseur.execute(f"DROP TABLE IF EXISTS {temporaire}")
            curseur.execute(f"CREATE TEMPORARY TABLE {temporaire} ON COMMIT DROP AS "  # noqa: S608
                            f"SELECT {', '.join(colonnes)} FROM {table} WITH NO DATA")
            with curseur.cursor.copy(f"COPY {temporaire} ({', '.join(colonnes)}) FROM STDIN") as copie:
                for ligne in lignes:
                    copie.write_row(ligne)
            affectations = ", ".join(f"{c} = t.{c}" for c in autres)
            curseur.execute(f"UPDATE {table} SET {affectations} FROM {temporaire} t "  # noqa: S608
                            f"WHERE {table}.{cle} = t.{cle}")
            return curseur.rowcount
        affectations = ", ".join(f"{c} = %s" for c in autres)
        sql = f"UPDATE {table} SET {affectations} WHERE {cle} = %s"  # noqa: S608
        curseur.executemany(sql, [(*ligne[1:], ligne[0]) for ligne in lignes])
    return len(lignes)


def valeurs_de(modele: type[Model], attributs: Sequence[str], cles: Sequence[str]) -> dict[str, tuple]:
    """Primary key → values of `attributs` for the rows of `cles` (batches of `IN (…)`)."""
    table = connection.ops.quote_name(modele._meta.db_table)
    colonnes = _colonnes_sql(modele, [modele._meta.pk.attname, *attributs])
    resultat: dict[str, tuple] = {}
    with connection.cursor() as curseur:
        for debut in range(0, len(cles), LOT_IN):
            lot = cles[debut:debut + LOT_IN]
            curseur.execute(f"SELECT {', '.join(colonnes)} FROM {table} "  # noqa: S608
                            f"WHERE {colonnes[0]} IN ({', '.join(['%s'] * len(lot))})", list(lot))
            resultat.update((ligne[0], ligne[1:]) for ligne in curseur.fetchall())
    return resultat


def mettre_a_jour_cles(modele: type[Model], cles: Sequence[str], **valeurs) -> int:
    """UPDATE the same `valeurs` on every primary key of `cles`, by batches of `IN (…)`."""
    nombre = 0
    for debut in range(0, len(cles), LOT_IN):
        nombre += modele._default_manager.filter(pk__in=cles[debut:debut + LOT_IN]).update(**valeurs)
    return nombre


def _definitions(modele: type[Model]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(secondary indexes, foreign keys) of the table as (name, SQL definition)."""
    table = modele._meta.db_table
    with connection.cursor() as curseur:
        if connection.vendor == "postgresql":
            curseur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)", [table])
            index = curseur.fetchall()
            curseur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
            return index, curseur.fetchall()
        curseur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL", [table])
        return curseur.fetchall(), []


@contextmanager
def index_suspendus(modele: type[Model], actif: bool = True) -> Iterator[None]:
    """Drop the secondary indexes (and PostgreSQL foreign keys) for a bulk insert; rebuild them on success."""
    if not actif:
        yield
        return
    table = connection.ops.quote_name(modele._meta.db_table)
    index, cles = _definitions(modele)
    with connection.cursor() as curseur:
        if cles:  # PostgreSQL refuses to alter tables with pending deferred checks: run them now
            curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for nom, _ in cles:
            curseur.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(nom)}")
        for nom, _ in index:
            curseur.execute(f"DROP INDEX {connection.ops.quote_name(nom)}")
    yield
    with connection.cursor() as curseur:
        for _, definition in index:
            curseur.execute(definition)
        for nom, definition in cles:
            curseur.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(nom)} {definition}")
        if cles:
            curseur.execute("SET CONSTRAINTS ALL DEFERRED")
