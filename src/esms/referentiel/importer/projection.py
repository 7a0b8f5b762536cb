"""Coordinates of FINESS establishments: raw projected metres → WGS84 latitude/longitude, vectorised.

FINESS gives `coordxet`/`coordyet` in Lambert-93 for metropolitan France and in the local UTM zone overseas.
The projection is read from `sourcecoordet` when it names one — its last comma item in 2021 (`LAMBERT_93`,
`UTM_N20`, `UTM_N22`, `UTM_S40`, `UTM_S38`, `UTM_N21`), an `EPSG:nnnn` code in 2026 files — else from the
FINESS département: 9A/9B Antilles → EPSG:4559 (UTM 20N), 9C Guyane → EPSG:2972 (UTM 22N), 9D La Réunion →
EPSG:2975 (UTM 40S), 9E Saint-Pierre-et-Miquelon → EPSG:4467 (UTM 21N), 9F Mayotte → EPSG:4471 (UTM 38S),
anything else → EPSG:2154 (Lambert-93). Never Lambert-93 everywhere.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import defaultdict
from functools import cache

from pyproj import Transformer

LAMBERT_93 = 2154
EPSG_PAR_SOURCE = {
    "LAMBERT_93": LAMBERT_93,
    "UTM_N20": 4559,
    "UTM_N22": 2972,
    "UTM_S40": 2975,
    "UTM_S38": 4471,
    "UTM_N21": 4467,
}
# By FINESS département code and by INSEE code.
EPSG_PAR_DEPARTEMENT = {
    "9A": 4559, "9B": 4559, "9C": 2972, "9D": 2975, "9E": 4467, "9F": 4471,
    "971": 4559, "972": 4559, "973": 2972, "974": 2975, "975": 4467, "976": 4471,
}
_EPSG = re.compile(r"EPSG:(\d{4,5})")


def epsg(source: str, departement: str) -> int:
    """EPSG code of a raw coordinate pair, from `sourcecoordet` when it tells, else from the département."""
    if source:
        dernier = source.rsplit(",", 1)[-1].strip().upper()
        if dernier in EPSG_PAR_SOURCE:
            return EPSG_PAR_SOURCE[dernier]
        trouve = _EPSG.search(source)
        if trouve:
            return int(trouve.group(1))
    return EPSG_PAR_DEPARTEMENT.get(departement, LAMBERT_93)


@cache
def _transformateur(code: int) -> Transformer:
    return Transformer.from_crs(code, 4326, always_xy=True)


def vers_wgs84(points: list[tuple[int, float, float]]) -> list[tuple[float | None, float | None]]:
    """(epsg, x, y) → (latitude, longitude) rounded to 7 decimals (≈ 1 cm); one pyproj call per projection."""
    par_epsg: dict[int, list[int]] = defaultdict(list)
    for rang, (code, _, _) in enumerate(points):
        par_epsg[code].append(rang)
    resultat: list[tuple[float | None, float | None]] = [(None, None)] * len(points)
    for code, rangs in par_epsg.items():
        xs = array("d", (points[r][1] for r in rangs))
        ys = array("d", (points[r][2] for r in rangs))
        longitudes, latitudes = _transformateur(code).transform(xs, ys)
        for rang, lat, lon in zip(rangs, latitudes, longitudes, strict=True):
            if math.isfinite(lat) and math.isfinite(lon):
                resultat[rang] = (round(lat, 7), round(lon, 7))
    return resultat
