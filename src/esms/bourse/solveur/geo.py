"""Great-circle distances (haversine on the mean Earth radius), scalar and vectorised."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

RAYON_TERRE_KM = 6371.0088  # IUGG mean radius


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * RAYON_TERRE_KM * math.asin(min(1.0, math.sqrt(h)))


def matrice_km(origines: NDArray[np.float64], destinations: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distances between every row of `origines` and every row of `destinations` ((n, 2) degrees)."""
    if len(origines) == 0 or len(destinations) == 0:
        return np.zeros((len(origines), len(destinations)))
    o = np.radians(origines)[:, None, :]
    d = np.radians(destinations)[None, :, :]
    dlat = d[..., 0] - o[..., 0]
    dlon = d[..., 1] - o[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(o[..., 0]) * np.cos(d[..., 0]) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * RAYON_TERRE_KM * np.arcsin(np.minimum(1.0, np.sqrt(h))), dtype=np.float64)
