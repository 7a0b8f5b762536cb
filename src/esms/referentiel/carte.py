"""Inline SVG mini-map of an establishment: the open establishments of its département as grey dots, this one
highlighted. Drawn from the data only (no tile server): an equirectangular projection scaled by the cosine of
the mean latitude, enough to recognise the shape of a département from its establishments."""

from __future__ import annotations

import math
from dataclasses import dataclass

LARGEUR = 320
MARGE = 12


@dataclass(frozen=True)
class Carte:
    largeur: int
    hauteur: int
    points: str  # one SVG path: "M x y h0" per establishment, drawn as round dots by the stroke
    x: float | None
    y: float | None
    nombre: int


def _projection(points: list[tuple[float, float]]):
    latitudes = [lat for lat, _ in points]
    longitudes = [lon for _, lon in points]
    cos = math.cos(math.radians((min(latitudes) + max(latitudes)) / 2))
    x_min, x_max = min(longitudes) * cos, max(longitudes) * cos
    y_min, y_max = min(latitudes), max(latitudes)
    etendue = max(x_max - x_min, y_max - y_min, 1e-3)
    echelle = (LARGEUR - 2 * MARGE) / etendue
    hauteur = round((y_max - y_min) * echelle + 2 * MARGE)

    def projeter(lat: float, lon: float) -> tuple[float, float]:
        return round(MARGE + (lon * cos - x_min) * echelle, 1), round(MARGE + (y_max - lat) * echelle, 1)

    return projeter, max(hauteur, 2 * MARGE + 1)


def carte(points: list[tuple[str, float, float]], *, finess_et: str, latitude: float | None,
          longitude: float | None) -> Carte | None:
    """The mini-map, or None when nothing is geolocated."""
    coordonnees = [(lat, lon) for _, lat, lon in points]
    if latitude is not None and longitude is not None:
        coordonnees.append((latitude, longitude))
    if not coordonnees:
        return None
    projeter, hauteur = _projection(coordonnees)
    chemin = "".join("M{} {}h0".format(*projeter(lat, lon)) for numero, lat, lon in points if numero != finess_et)
    x = y = None
    if latitude is not None and longitude is not None:
        x, y = projeter(latitude, longitude)
    return Carte(largeur=LARGEUR, hauteur=hauteur, points=chemin, x=x, y=y, nombre=len(points))
