"""Builders of solver instances (needs, offers) with valid FINESS numbers and coordinates."""

from __future__ import annotations

from typing import Any

from tests.rules.fabrique import departement_de, finess, membre

CAMPAGNE = "2024"
DEPOT = "2024-05-02T10:00:00+02:00"
# A point per region used as the centre of generated coordinates.
CENTRES = {"84": (45.76, 4.84), "94": (42.0, 9.0), "11": (48.86, 2.35), "53": (48.11, -1.68)}


def decale(centre: tuple[float, float], dx_km: float, dy_km: float) -> tuple[float, float]:
    """A point dx km east and dy km north of `centre` (small offsets)."""
    import math

    lat = centre[0] + dy_km / 111.2
    lon = centre[1] + dx_km / (111.2 * math.cos(math.radians(centre[0])))
    return round(lat, 6), round(lon, 6)


def demande(
    region: str = "84",
    position: tuple[float, float] = (0.0, 0.0),
    solution: str | None = "Solution A",
    distance_max_km: float = 30.0,
    **champs: Any,
) -> dict[str, Any]:
    departement = champs.pop("departement", departement_de(region))
    lat, lon = decale(CENTRES[region], *position)
    base = {
        "finess_et": finess(departement),
        "finess_ej": champs.pop("finess_ej", None) or finess(departement),
        "categorie": "500",
        "region": region,
        "departement": departement,
        "latitude": lat,
        "longitude": lon,
        "solution_dui": solution,
        "distance_max_km": distance_max_km,
    }
    base.update(champs)
    return base


def offre(
    identifiant: str,
    nb_membres: int,
    places: int,
    region: str = "84",
    position: tuple[float, float] = (0.0, 0.0),
    solution: str = "Solution A",
) -> dict[str, Any]:
    departement = departement_de(region)
    ej = finess(departement)
    lat, lon = decale(CENTRES[region], *position)
    membres = []
    for _ in range(nb_membres):
        m = membre(region, finess_ej=ej, solution_dui=solution)
        membres.append({**m, "latitude": lat, "longitude": lon})
    return {
        "id": identifiant,
        "porteur": {"finess_ej": ej, "nb_essms_geres": nb_membres},
        "solution_dui": solution,
        "places": places,
        "membres": membres,
    }


def instance(demandes: list[dict[str, Any]], offres: list[dict[str, Any]]) -> dict[str, Any]:
    return {"campaign": CAMPAGNE, "submitted_at": DEPOT, "demandes": demandes, "offres": offres}
