"""Tabular exports shared by every app: CSV (UTF-8 with BOM, `;`), XLSX and ODS, from headers and rows.

Every export is inert: a text cell that a spreadsheet would run as a formula — one starting with `=`, `+`,
`-`, `@`, a tab or a carriage return (also after leading spaces) — is written with a leading apostrophe
(`neutraliser`), the documented way to force text in Excel, LibreOffice and Google Sheets. Numbers (a
negative amount included) stay numeric cells; XLSX and ODS text cells are typed as text, never formulas.
Every CSV written anywhere goes through `ecrivain_csv` (streamed exports and reports on disk included).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


DECLENCHEURS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutraliser(valeur):
    """A text that a spreadsheet would read as a formula gets a leading apostrophe; anything else unchanged."""
    if isinstance(valeur, str) and valeur.lstrip(" \u00a0").startswith(DECLENCHEURS):
        return "'" + valeur
    return valeur


class _Neutralisant:
    """A csv.writer whose every text cell goes through `neutraliser`."""

    def __init__(self, ecrivain):
        self._ecrivain = ecrivain

    def writerow(self, ligne: Iterable):
        return self._ecrivain.writerow([neutraliser("" if v is None else v) for v in ligne])

    def writerows(self, lignes: Iterable[Iterable]) -> None:
        for ligne in lignes:
            self.writerow(ligne)


def ecrivain_csv(flux, *, delimiter: str = ";", lineterminator: str = "\r\n") -> _Neutralisant:
    """The platform's CSV writer (to a file, a buffer or a streaming echo object): inert cells."""
    return _Neutralisant(csv.writer(flux, delimiter=delimiter, lineterminator=lineterminator))


def _csv(entetes: Sequence[str], lignes: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = ecrivain_csv(out)
    writer.writerow(entetes)
    writer.writerows(lignes)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(entetes: Sequence[str], lignes: Iterable[Sequence], titre: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(titre[:31])

    def cellules(valeurs: Sequence) -> list:
        sortie = []
        for v in valeurs:
            v = _cellule(v)
            if isinstance(v, str):  # typed as text: openpyxl would store a leading « = » as a formula
                cellule = WriteOnlyCell(ws, value=neutraliser(v))
                cellule.data_type = "s"
                sortie.append(cellule)
            else:
                sortie.append(v)
        return sortie

    ws.append(cellules(list(entetes)))
    for ligne in lignes:
        ws.append(cellules(ligne))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cellule(valeur):
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, datetime) and valeur.tzinfo is not None:
        return valeur.replace(tzinfo=None)
    return valeur


def _ods(entetes: Sequence[str], lignes: Iterable[Sequence], titre: str) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=titre[:31])

    def row(values: Sequence) -> TableRow:
        tr = TableRow()
        for v in values:
            if isinstance(v, bool) or v is None or isinstance(v, (str, date)):
                cell = TableCell(valuetype="string")
                texte = "" if v is None else (("oui" if v else "non") if isinstance(v, bool) else str(v))
                cell.addElement(P(text=neutraliser(texte)))
            else:
                cell = TableCell(valuetype="float", value=str(v))
                cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        return tr

    table.addElement(row(entetes))
    for ligne in lignes:
        table.addElement(row(ligne))
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def reponse_tableau(*, nom: str, entetes: Sequence[str], lignes: Iterable[Sequence], format: str,
                    titre: str = "Export") -> HttpResponse:
    """An HTTP download of the table in `format` (csv, xlsx or ods)."""
    if format not in FORMATS:
        raise ValueError(f"Format d'export inconnu : {format} (attendu : csv, xlsx ou ods).")
    if format == "csv":
        contenu = _csv(entetes, lignes)
    elif format == "xlsx":
        contenu = _xlsx(entetes, lignes, titre)
    else:
        contenu = _ods(entetes, lignes, titre)
    response = HttpResponse(contenu, content_type=FORMATS[format])
    response["Content-Disposition"] = f'attachment; filename="{nom}.{format}"'
    return response


def reponse_pdf(contenu: bytes, *, nom: str) -> HttpResponse:
    """A generated PDF (receipt, convention, procès-verbal) as a download named `nom`.pdf."""
    response = HttpResponse(contenu, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{nom}.pdf"'
    return response
