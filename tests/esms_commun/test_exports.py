"""The shared export module neutralises formula-leading text in CSV, XLSX and ODS, and keeps numbers numeric."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from esms.exports import neutraliser, reponse_tableau

PIEGES = ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\uff1d1"]


@pytest.mark.parametrize("texte", PIEGES)
def test_neutraliser(texte):
    assert neutraliser(texte) == "'" + texte


@pytest.mark.parametrize("valeur", [-12, Decimal("-3.5"), -0.5, "Grappe de l'Ain", "", None, "12"])
def test_other_values_unchanged(valeur):
    assert neutraliser(valeur) == valeur


def _tableau(format: str):
    return reponse_tableau(nom="t", entetes=["=en-tête", "montant"], lignes=[[texte, -5] for texte in PIEGES],
                           format=format)


def test_csv():
    lignes = list(csv.reader(io.StringIO(_tableau("csv").content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == ["'=en-tête", "montant"]
    assert [ligne[0] for ligne in lignes[1:]] == ["'" + p for p in PIEGES]
    assert {ligne[1] for ligne in lignes[1:]} == {"-5"}


def test_xlsx():
    feuille = load_workbook(io.BytesIO(_tableau("xlsx").content)).active
    lignes = list(feuille.iter_rows())
    assert [c.value for c in lignes[0]] == ["'=en-tête", "montant"]
    assert all(ligne[0].data_type == "s" and ligne[0].value.startswith("'") for ligne in lignes[1:])
    assert all(ligne[1].data_type == "n" and ligne[1].value == -5 for ligne in lignes[1:])


def test_ods():
    table = load(io.BytesIO(_tableau("ods").content)).spreadsheet.getElementsByType(Table)[0]
    lignes = table.getElementsByType(TableRow)[1:]
    for ligne, piege in zip(lignes, PIEGES, strict=True):
        texte, nombre = ligne.getElementsByType(TableCell)
        assert texte.getAttribute("valuetype") == "string" and str(texte).startswith("'")
        assert nombre.getAttribute("valuetype") == "float" and nombre.getAttribute("value") == "-5"
        assert piege.strip()[:1] in str(texte)


def test_finess_rejects_report_is_inert(tmp_path, settings):
    """The rejects report repeats values of the uploaded FINESS file: written through the same writer."""
    from datetime import datetime

    from esms.referentiel.erreurs import Anomalie
    from esms.referentiel.importer.rapport import ecrire_rapport

    settings.VAR_DIR = tmp_path
    chemin = ecrire_rapport([Anomalie(3, "raison_sociale", "=cmd|'/c calc'!A1", "valeur invalide")],
                            nom_fichier="finess.csv", horodatage=datetime(2026, 1, 1))
    lignes = list(csv.reader(io.StringIO(chemin.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert lignes[1] == ["3", "raison_sociale", "'=cmd|'/c calc'!A1", "valeur invalide"]
