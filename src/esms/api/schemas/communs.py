"""Types shared by the schemas: bounded free text, FINESS numbers (format and check key), small references."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, StringConstraints

from esms.rules.finess import erreur_numero_finess

# Free text of a filter: bounded, without control characters (a NUL byte is refused by PostgreSQL).
SANS_CONTROLE = r"^[^\x00-\x1f\x7f]*$"


def texte(longueur_max: int):
    """Free text of at most `longueur_max` characters, stripped, without control characters."""
    return Annotated[str, StringConstraints(max_length=longueur_max, pattern=SANS_CONTROLE, strip_whitespace=True)]


Texte100 = texte(100)
Texte200 = texte(200)
Code3 = texte(3)
Code4 = texte(4)
Code10 = texte(10)


def _verifier_finess(numero: str) -> str:
    erreur = erreur_numero_finess(numero)
    if erreur is not None:
        raise ValueError(f"Numéro FINESS invalide : {erreur}.")
    return numero


NumeroFiness = Annotated[
    str,
    StringConstraints(min_length=9, max_length=9, pattern=r"^(?:[0-9]{9}|2[AB][0-9]{7})$"),
    AfterValidator(_verifier_finess),
]


class Reference(Schema):
    """A coded reference: code and label (région, département, catégorie…)."""

    code: str
    libelle: str
