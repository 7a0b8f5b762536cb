"""Errors of the référentiel services, with French messages ready to show (CLI, pages, API)."""

from __future__ import annotations

from dataclasses import dataclass


class ErreurReferentiel(Exception):
    """Base class: `str(erreur)` is a French sentence for the user."""


class FichierIntrouvable(ErreurReferentiel):
    """A reference file (COG, nomenclature, FINESS extract) is missing or cannot be downloaded."""


class ReferentielNonCharge(ErreurReferentiel):
    """The FINESS import needs the geography and nomenclatures first (`esms charger_referentiel`)."""


def nombre(n: int) -> str:
    """French thousands separator: 1234 → « 1 234 »."""
    return f"{n:,}".replace(",", " ")


@dataclass(frozen=True)
class Anomalie:
    """One invalid value of an input file, located by file line and field name."""

    ligne: int
    champ: str
    valeur: str
    message: str

    def __str__(self) -> str:
        if self.ligne == 0:  # JSON files (FINESS+): `champ` is the JSON path of the value
            return f"{self.champ} : {self.message}"
        return f"ligne {nombre(self.ligne)}, champ {self.champ} : {self.message}"


class ErreurImport(ErreurReferentiel):
    """The file cannot be imported: the first anomaly (line, field), and how many there are in all."""

    def __init__(self, anomalie: Anomalie, total: int = 1) -> None:
        self.anomalie = anomalie
        self.total = total
        message = str(anomalie)
        if total > 1:  # the page's wording: the command line adds its option (`import_finess`)
            message += (f" ({nombre(total - 1)} autre(s) anomalie(s) dans le fichier ; pour importer les lignes "
                        "valides et obtenir le rapport complet, cochez « Importer les lignes valides et produire un "
                        "rapport des rejets »)")
        super().__init__(message)


class ImportRefuse(ErreurReferentiel):
    """The file is valid but must not be imported (e.g. an extract older than the last one imported)."""
