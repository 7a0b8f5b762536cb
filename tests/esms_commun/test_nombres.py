"""Strict numbers: counts, bounded decimals and amounts refuse exponents, floats and huge values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esms import nombres
from esms.nombres import NombreInvalide


@pytest.mark.parametrize("brut, attendu", [("12", 12), (" 1 234 ", 1234), (7, 7), (3.0, 3), ("", None), (None, None),
                                           ("+5", 5), ("1\u202f000", 1000)])
def test_compte_accepte(brut, attendu):
    assert nombres.compte(brut) == attendu


@pytest.mark.parametrize("brut", ["1e999999", "1e999990", "12.5", "12.0", "-1", -1, 2.5, True, "9" * 30,
                                  "10000001", 10**12, "0x10", "١٢", "1" * 60, "nan", "inf", float("inf")])
def test_compte_refuse(brut):
    with pytest.raises(NombreInvalide):
        nombres.compte(brut)


@pytest.mark.parametrize("brut, attendu", [("12,5", Decimal("12.5")), ("0.750000", Decimal("0.75")), (1.5, Decimal("1.5")),
                                           ("100", Decimal(100))])
def test_decimal_accepte(brut, attendu):
    assert nombres.decimal_borne(brut) == attendu


@pytest.mark.parametrize("brut", ["1e999990", "1E5", "9223372036854775807", "0.1234567", "-3", "1.2.3", "NaN",
                                  float("nan"), "Infinity"])
def test_decimal_refuse(brut):
    with pytest.raises(NombreInvalide):
        nombres.decimal_borne(brut)


def test_montant_refuse_the_int64_max():
    with pytest.raises(NombreInvalide, match="au plus 12 chiffres"):
        nombres.montant("9223372036854775807")
    assert nombres.montant("999999999999", entier=True) == nombres.MONTANT_MAX


@given(st.text(max_size=50))
def test_never_anything_but_a_bounded_value_or_a_refusal(texte):
    try:
        valeur = nombres.decimal_borne(texte)
    except NombreInvalide:
        return
    assert valeur is None or (0 <= valeur < 10**nombres.DECIMAL_CHIFFRES)
