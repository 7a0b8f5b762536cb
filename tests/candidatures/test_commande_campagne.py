"""`esms campagne charger|lister`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from esms.candidatures.models import VersionParametres


def test_charger_toutes_then_lister(db, capsys):
    call_command("campagne", "charger", "--toutes")
    assert set(VersionParametres.objects.values_list("campagne__code", flat=True)) == {
        "2021-1", "2021-2", "2022", "2023", "2024", "2025"}
    call_command("campagne", "lister")
    sortie = capsys.readouterr().out
    assert "2025" in sortie and "Amendement" in sortie


def test_unknown_campagne_is_a_located_error(db):
    with pytest.raises(CommandError, match="2019"):
        call_command("campagne", "charger", "2019")
    assert not VersionParametres.objects.exists()
