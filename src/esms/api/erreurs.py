"""The API's error body and its stable machine codes.

Every error answers `{"code": "<code>", "message": "<French sentence>", "details": [...]}`; `details` lists
located problems (`{"champ": "query.limit", "code": "…", "message": "…"}`) and is empty otherwise.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema

# Stable machine codes, by HTTP status (clients branch on `code`, never on `message`).
CODES: dict[str, int] = {
    "requete_illisible": 400,
    "non_authentifie": 401,
    "jeton_invalide": 401,
    "jeton_revoque": 401,
    "jeton_expire": 401,
    "compte_inactif": 401,
    "non_habilite": 403,
    "portee_insuffisante": 403,
    "hors_perimetre": 403,
    "introuvable": 404,
    "methode_non_autorisee": 405,
    "conflit": 409,
    "refus_metier": 409,
    "donnees_invalides": 422,
    "trop_de_requetes": 429,
    "erreur_interne": 500,
}


class DetailErreur(Schema):
    champ: str | None = None
    code: str
    message: str


class CorpsErreur(Schema):
    code: str
    message: str
    details: list[DetailErreur] = []


class ErreurAPI(Exception):
    """An error the API answers as is: its HTTP status follows from its code."""

    def __init__(self, code: str, message: str, details: list[dict[str, Any]] | None = None) -> None:
        if code not in CODES:
            raise KeyError(f"Code d'erreur d'API inconnu : {code}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []

    @property
    def statut(self) -> int:
        return CODES[self.code]

    def corps(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


# Error responses documented on every authenticated operation.
REPONSES_ERREUR = {400: CorpsErreur, 401: CorpsErreur, 403: CorpsErreur, 404: CorpsErreur, 422: CorpsErreur}
