"""Never two workers computing the same aggregate: the lease on the row. On PostgreSQL, two threads (two
connections) race for it; on SQLite the lease is the same conditional UPDATE, serialised by SQLite's single
writer, which threads of one test process cannot show."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from esms.pilotage import agregats, rafraichir
from esms.pilotage.models import Agregat


def _postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrence entre connexions : montrée sur PostgreSQL (SQLite n'a qu'un écrivain)")


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_leaves_an_aggregate_being_computed(monkeypatch):
    _postgres()
    row = Agregat.objects.create(perimetre="national", campagne="")
    commence, fin = threading.Event(), threading.Event()
    calculs: list[str] = []

    def calcul_lent(**perim):
        calculs.append(threading.current_thread().name)
        commence.set()
        assert fin.wait(10)
        return {"donnees": {}, "pages": {}}

    monkeypatch.setattr(agregats, "calculer", calcul_lent)
    resultats: dict[str, bool] = {}

    def travailleur(nom: str) -> None:
        try:
            resultats[nom] = rafraichir.recalculer(row.pk, forcer=True)
        finally:
            connections.close_all()

    premier = threading.Thread(target=travailleur, args=("premier",), name="premier")
    premier.start()
    assert commence.wait(10)
    second = threading.Thread(target=travailleur, args=("second",), name="second")
    second.start()
    second.join(10)
    fin.set()
    premier.join(10)
    assert resultats == {"premier": True, "second": False}
    assert calculs == ["premier"]
    row.refresh_from_db()
    assert row.jeton == "" and row.contenu == {"donnees": {}, "pages": {}}


@pytest.mark.django_db(transaction=True)
def test_a_worker_never_waits_for_a_row_locked_by_another():
    """While another connection holds the row (taking or releasing its lease), `skip_locked` answers at once."""
    _postgres()
    row = Agregat.objects.create(perimetre="national", campagne="")
    verrouille, relache = threading.Event(), threading.Event()

    def detenteur() -> None:
        from django.db import transaction
        try:
            with transaction.atomic():
                list(Agregat.objects.select_for_update().filter(pk=row.pk))
                verrouille.set()
                relache.wait(10)
        finally:
            connections.close_all()

    fil = threading.Thread(target=detenteur)
    fil.start()
    assert verrouille.wait(10)
    try:
        assert rafraichir._prendre_bail(row.pk) is None
    finally:
        relache.set()
        fil.join(10)
    assert rafraichir._prendre_bail(row.pk) is not None


@pytest.mark.django_db
def test_a_change_during_the_computation_makes_the_same_worker_compute_again(monkeypatch):
    row = Agregat.objects.create(perimetre="national", campagne="")
    calculs = []

    def calcul(**perim):
        calculs.append(1)
        if len(calculs) == 1:  # a change arrives while the first computation runs
            Agregat.objects.filter(pk=row.pk).update(version=row.version + 1)
        return {"donnees": {"n": len(calculs)}, "pages": {}}

    monkeypatch.setattr(agregats, "calculer", calcul)
    assert rafraichir.recalculer(row.pk, forcer=True)
    row.refresh_from_db()
    assert len(calculs) == 2 and row.contenu["donnees"] == {"n": 2}
    assert row.version_calculee == row.version and row.jeton == ""
