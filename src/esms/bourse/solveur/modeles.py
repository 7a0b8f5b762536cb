"""Typed input (needs, offers) and output (proposals) of the bourse solver."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from esms.rules import Campagne


@dataclass(frozen=True, slots=True)
class Demande:
    """An establishment looking for a grappe (a need)."""

    finess_et: str
    finess_ej: str
    region: str
    latitude: float
    longitude: float
    solution_dui: str | None  # None: any solution
    distance_max_km: float
    membre: Mapping[str, Any]  # the member fields given to the rules (without solution_dui)


@dataclass(frozen=True, slots=True)
class Offre:
    """A draft grappe open to newcomers."""

    id: str
    porteur: Mapping[str, Any]
    solution_dui: str
    places: int
    membres: tuple[Mapping[str, Any], ...]  # as in `esms rules evaluate`, without coordinates
    coordonnees: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Instance:
    campaign: str
    submitted_at: str
    demandes: tuple[Demande, ...]
    offres: tuple[Offre, ...]
    # The campaign parameters to judge with (a version stored by the platform, `campagne_from_dict`);
    # None: the shipped parameters of `campaign` in force at `submitted_at`, as `esms rules evaluate`.
    parametres: Campagne | None = None


@dataclass(frozen=True, slots=True)
class Proposition:
    """One grappe receiving needs: an offer (`offre` set) or a new grappe of needs alone."""

    offre: Offre | None
    ajouts: tuple[int, ...]  # indices in `Instance.demandes`
    porteur: Mapping[str, Any]
    solution_dui: str
    verdict: Mapping[str, Any]  # the rules' verdict (JSON contract of docs/rules.md)
    distance_km: float  # sum over added needs of the distance to the nearest other member


@dataclass(frozen=True, slots=True)
class Resultat:
    propositions: tuple[Proposition, ...]
    non_places: tuple[int, ...]
    places: int
    optimal: bool
    borne: int
    moteur: str
    distance_km: float
    iterations: int = 0
    statistiques: Mapping[str, Any] = field(default_factory=dict)
