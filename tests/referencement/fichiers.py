"""Builders of register and SONS files (CSV and XLSX) in the documented layout, for the tests and the demo."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

ENTETE_REGISTRE = ["Éditeur", "SIREN", "Solution", "Version", "Couloir", "Vague", "Secteurs",
                   "Date de référencement", "Statut", "Date de retrait"]

# Valid SIREN numbers (Luhn key): 732829320, 552100554, 542065479.
LIGNES_REGISTRE = [
    ["Éditeur Alpha", "732829320", "Alpha DUI", "3.2", "médico-social", "Vague 1",
     "Personnes âgées; Handicap", "15/06/2022", "Référencée", ""],
    ["Éditeur Alpha", "732829320", "Alpha DUI", "4.0", "médico-social", "Vague 2",
     "Personnes âgées; Handicap; AHI", "10/03/2025", "Référencée", ""],
    ["Bêta Logiciels", "552100554", "Bêta Social", "2024.1", "médico-social", "1",
     "Domicile, Protection de l'enfance", "2023-01-20", "Retirée", "2024-06-30"],
    ["Gamma Santé", "542065479", "Gamma Hôpital", "7", "hospitalier", "vague 1",
     "Personnes âgées", "01/09/2022", "", ""],
]


def csv_fichier(entete, lignes, nom: str = "registre.csv", separateur: str = ";") -> SimpleUploadedFile:
    import csv

    tampon = io.StringIO()
    csv.writer(tampon, delimiter=separateur, lineterminator="\n").writerows([entete, *lignes])
    return SimpleUploadedFile(nom, tampon.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_fichier(entete, lignes, nom: str = "registre.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    feuille.append(entete)
    for ligne in lignes:
        feuille.append(ligne)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return SimpleUploadedFile(nom, tampon.getvalue())
