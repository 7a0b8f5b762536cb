"""Errors carrying located French messages ("members[3].finess_et : clé de contrôle invalide")."""

from __future__ import annotations

from collections.abc import Iterable


class ErreursLocalisees(ValueError):
    """Base class: a list of French messages, each prefixed with the place of the error."""

    def __init__(self, erreurs: Iterable[str]) -> None:
        self.erreurs: tuple[str, ...] = tuple(erreurs)
        super().__init__("\n".join(self.erreurs))


class RulesInputError(ErreursLocalisees):
    """The dossier given to the rules is invalid (wrong field, wrong FINESS number, bad JSON…)."""


class ParametresInvalides(ErreursLocalisees):
    """A campaign parameter set (YAML file or dict edited by an administrator) is invalid."""


class CampagneInconnue(ErreursLocalisees):
    """No campaign has this code."""
