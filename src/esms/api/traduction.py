"""French, located messages for the validation errors of pydantic (query, path, body and form parameters)."""

from __future__ import annotations

from typing import Any

_MESSAGES: dict[str, str] = {
    "missing": "Ce champ est obligatoire.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu (sans décimale).",
    "float_parsing": "Un nombre est attendu.",
    "float_type": "Un nombre est attendu.",
    "decimal_parsing": "Un nombre décimal est attendu.",
    "bool_parsing": "Un booléen est attendu (true ou false).",
    "bool_type": "Un booléen est attendu (true ou false).",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Au moins {min_length} caractère(s) attendu(s).",
    "string_too_long": "Au plus {max_length} caractère(s) autorisé(s).",
    "string_pattern_mismatch": "Format invalide.",
    "greater_than": "La valeur doit être strictement supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être strictement inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "literal_error": "Valeur non autorisée : valeurs possibles {expected}.",
    "enum": "Valeur non autorisée : valeurs possibles {expected}.",
    "date_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_inexact": "Une date sans heure est attendue (AAAA-MM-JJ).",
    "datetime_parsing": "Une date et heure ISO 8601 est attendue.",
    "datetime_type": "Une date et heure ISO 8601 est attendue.",
    "datetime_from_date_parsing": "Une date et heure ISO 8601 est attendue.",
    "list_type": "Une liste est attendue.",
    "dict_type": "Un objet JSON est attendu.",
    "model_type": "Un objet JSON est attendu.",
    "model_attributes_type": "Un objet JSON est attendu.",
    "too_short": "Au moins {min_length} élément(s) attendu(s).",
    "too_long": "Au plus {max_length} élément(s) autorisé(s).",
    "extra_forbidden": "Champ inconnu.",
    "json_invalid": "JSON invalide.",
    "json_type": "JSON invalide.",
    "uuid_parsing": "Un identifiant UUID est attendu.",
    "multiple_of": "La valeur doit être un multiple de {multiple_of}.",
    "finite_number": "Un nombre fini est attendu.",
    "decimal_max_digits": "Au plus {max_digits} chiffre(s) autorisé(s).",
    "decimal_max_places": "Au plus {decimal_places} décimale(s) autorisée(s).",
}

def champ(loc: tuple | list) -> str:
    """The dotted path of a field: `query.limit`, `body.indicateurs.0.valeur`."""
    return ".".join(str(partie) for partie in loc)


def message(erreur: dict[str, Any]) -> str:
    """The French sentence of one pydantic error (the validator's own message for `value_error`)."""
    type_ = erreur.get("type", "")
    ctx = erreur.get("ctx") or {}
    if type_ in ("value_error", "assertion_error") and "error" in ctx:
        texte = str(ctx["error"])
        return texte.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    modele = _MESSAGES.get(type_)
    if modele is None:
        return f"Valeur invalide ({type_})." if type_ else "Valeur invalide."
    try:
        return modele.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return modele.split(":")[0].rstrip(".") + "."


def details(erreurs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"champ": champ(e.get("loc", ())), "code": e.get("type", "invalide"), "message": message(e)}
            for e in erreurs]


def resume(details_erreurs: list[dict[str, Any]]) -> str:
    """One sentence naming the first problem and how many there are."""
    if not details_erreurs:
        return "Requête invalide."
    premier = details_erreurs[0]
    texte = f"Requête invalide : {premier['champ']} — {premier['message']}"
    if len(details_erreurs) > 1:
        texte += f" (et {len(details_erreurs) - 1} autre(s) erreur(s), voir « details »)"
    return texte
