"""The one refusal type of the platform: a stable code, every French reason, and where (field, location).

Services raise `Refus` (or `RefusPermission` when the actor may not act, so that Django answers 403);
pages turn it into their alert with `pour_page`, the API into its error body with
`esms.api.gestionnaires.traduire`. Both branch on `code`, never on the French text.

Codes: `refus_metier` (a state or a rule forbids the action), `transition_interdite`,
`enveloppe_insuffisante`, `enveloppe_introuvable`, `fichier_invalide` (a file is refused),
`identifiants_directs` (a file seems to hold direct identifiers), `non_habilite` (the role may not act),
`hors_perimetre` (the object is outside the actor's scope, or the actor is not the one expected).

The per-domain names (`CandidatureRefusee`, `UsageRefuse`, `PreuveInvalide`…) are subclasses kept as
aliases: they only fix the default code.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError

from esms.rules.erreurs import ErreursLocalisees

# Codes answered as a refusal of the actor (HTTP 403) rather than of the request (409 / 422).
CODES_PERMISSION = frozenset({"non_habilite", "hors_perimetre"})
# Codes of a refused input file (the API answers 422 with the file as the located field).
CODES_FICHIER = frozenset({"fichier_invalide", "identifiants_directs"})


class Refus(Exception):
    """An action is refused: `code` is stable, `messages` lists every French reason, `champ` says where."""

    code_par_defaut: ClassVar[str] = "refus_metier"

    def __init__(self, messages: str | list[str], *, code: str | None = None, champ: str | None = None) -> None:
        self.messages: list[str] = [messages] if isinstance(messages, str) else list(messages)
        self.code: str = code or self.code_par_defaut
        self.champ = champ
        super().__init__(" ".join(self.messages))

    @property
    def de_permission(self) -> bool:
        return self.code in CODES_PERMISSION


class RefusPermission(Refus, PermissionDenied):
    """The actor may not perform the action (role) or not on this object (scope): Django answers 403."""

    code_par_defaut = "non_habilite"


def non_habilite(message: str) -> RefusPermission:
    """The actor's role may not perform the action."""
    return RefusPermission(message, code="non_habilite")


def hors_perimetre(message: str) -> RefusPermission:
    """The object is outside the actor's scope (or the actor is not the one the object expects)."""
    return RefusPermission(message, code="hors_perimetre")


# What a page catches and shows with `pour_page` (a permission refusal is re-raised there: Django answers 403).
REFUS = (Refus, ValidationError, ErreursLocalisees)


def messages_de(exc: BaseException) -> list[str]:
    """Every French reason of a refusal (ours, a Django validation error, located rule errors)."""
    if isinstance(exc, Refus | ValidationError):
        return list(exc.messages)
    if isinstance(exc, ErreursLocalisees):
        return list(exc.erreurs)
    return [str(exc)]


def code_de(exc: BaseException) -> str:
    """The stable code of any refusal; a bare PermissionDenied (from Django or a library) is `non_habilite`."""
    if isinstance(exc, Refus):
        return exc.code
    if isinstance(exc, PermissionDenied):
        return "non_habilite"
    if isinstance(exc, ValidationError):
        return "donnees_invalides"
    return "refus_metier"


def pour_page(exc: BaseException, titre: str = "", *, permission_sur_la_page: bool = False) -> dict[str, Any]:
    """The context of the shared `esms/_refus.html` alert: a title and every French reason.

    A permission refusal is re-raised (Django answers 403) unless the page shows it in place
    (`permission_sur_la_page`, e.g. a vendor not authorised for one establishment of a file).
    """
    if isinstance(exc, PermissionDenied) and not permission_sur_la_page:
        raise exc
    raisons = messages_de(exc)
    if titre and len(raisons) > 1 and raisons[0].startswith(titre):
        titre, raisons = raisons[0], raisons[1:]  # "Dépôt refusé : pièces manquantes." heads the list
    return {"titre": titre or "Action refusée", "raisons": raisons, "code": code_de(exc)}
