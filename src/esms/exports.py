"""Tabular exports shared by every app: CSV (UTF-8 with BOM, `;`), XLSX and ODS, from headers and rows."""

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


def _csv(entetes: Sequence[str], lignes: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(entetes)
    for ligne in lignes:
        writer.writerow(["" if v is None else v for v in ligne])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(entetes: Sequence[str], lignes: Iterable[Sequence], titre: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(titre[:31])
    ws.append(list(entetes))
    for ligne in lignes:
        ws.append([_cellule(v) for v in ligne])
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
                cell.addElement(P(text="" if v is None else (("oui" if v else "non") if isinstance(v, bool) else str(v))))
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
