"""The identifier guard: the Python check and the DuckDB predicate agree, value by value."""

from __future__ import annotations

import duckdb
import pytest

from esms.usages.preuves.identifiants import cle_nir_valide, motif_identifiant, predicat_sql


def _nir(corps: str) -> str:
    numero = corps.upper().replace("2A", "19").replace("2B", "18")
    return f"{corps}{97 - int(numero) % 97:02d}"


VALEURS = {
    _nir("1850578006084"): True,
    " ".join(["1", "85", "05", "78", "006", "084", _nir("1850578006084")[-2:]]): True,
    _nir("2690299341732"): True,
    _nir("185052A006123"): True,  # born in Corse-du-Sud
    _nir("1850578006084")[:13] + "00": False,  # wrong key: a pseudonym that merely looks like a NIR
    "1234567890123456789012": True,  # INS-C
    "urn:oid:1.2.250.1.213.1.4.8^x": True,
    "1950-03-12": True,
    "12/03/1950": True,
    "P7f3a9c21": False,
    "3f2a9c1e8b7d4a6f": False,
    "": False,
    None: False,
}


@pytest.mark.parametrize(("valeur", "attendu"), list(VALEURS.items()))
def test_python_and_sql_agree(valeur, attendu):
    assert bool(motif_identifiant(valeur)) is attendu
    resultat = duckdb.execute(f"SELECT {predicat_sql('u')} FROM (SELECT CAST(? AS VARCHAR) AS u)", [valeur]).fetchone()[0]
    assert bool(resultat) is attendu


def test_key_check():
    assert cle_nir_valide(_nir("1850578006084"))
    assert not cle_nir_valide("185057800608400")
