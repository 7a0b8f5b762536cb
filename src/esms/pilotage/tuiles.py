"""The tile layout of the schematic map of France: one square tile per département, at (column, row).

Why a tile map: the platform holds no boundary geometry (the INSEE COG files give codes and names only) and
must not download any at run time. A tile cartogram gives every département the same size, so small dense
départements (Paris and its petite couronne) stay readable, and regions appear as blocks of tiles.

How the layout was made, once, offline: the mean latitude and longitude of each département's FINESS
establishments (the 2021 extract) were projected (longitude × cos 46.5°), scaled onto a 10 × 10 grid, and
each département was given a distinct cell by an optimal assignment (Hungarian algorithm) minimising the total
squared distance to its centroid. With that scale every region is a contiguous block of tiles. Corse is set
apart in the south-east, and the five overseas départements-régions are drawn as insets under the mainland.
"""

from __future__ import annotations

# Metropolitan départements (96): code → (column, row), row 0 at the top.
METROPOLE: dict[str, tuple[int, int]] = {
    "62": (5, 0), "59": (6, 0),
    "76": (4, 1), "80": (5, 1), "60": (6, 1), "02": (7, 1), "08": (8, 1),
    "50": (2, 2), "14": (3, 2), "27": (4, 2), "95": (5, 2), "93": (6, 2), "51": (7, 2), "55": (8, 2),
    "57": (9, 2),
    "22": (1, 3), "35": (2, 3), "61": (3, 3), "78": (4, 3), "92": (5, 3), "75": (6, 3), "77": (7, 3),
    "10": (8, 3), "54": (9, 3), "67": (10, 3),
    "29": (0, 4), "56": (1, 4), "53": (2, 4), "72": (3, 4), "28": (4, 4), "91": (5, 4), "94": (6, 4),
    "89": (7, 4), "52": (8, 4), "88": (9, 4), "68": (10, 4),
    "44": (1, 5), "49": (2, 5), "37": (3, 5), "41": (4, 5), "45": (5, 5), "18": (6, 5), "58": (7, 5),
    "21": (8, 5), "70": (9, 5), "90": (10, 5),
    "85": (2, 6), "79": (3, 6), "86": (4, 6), "36": (5, 6), "03": (6, 6), "71": (7, 6), "01": (8, 6),
    "39": (9, 6), "25": (10, 6),
    "17": (2, 7), "16": (3, 7), "87": (4, 7), "23": (5, 7), "63": (6, 7), "42": (7, 7), "69": (8, 7),
    "73": (9, 7), "74": (10, 7),
    "33": (3, 8), "24": (4, 8), "19": (5, 8), "15": (6, 8), "43": (7, 8), "26": (8, 8), "38": (9, 8),
    "05": (10, 8),
    "40": (2, 9), "47": (3, 9), "82": (4, 9), "46": (5, 9), "12": (6, 9), "48": (7, 9), "07": (8, 9),
    "04": (9, 9), "06": (10, 9),
    "64": (2, 10), "32": (3, 10), "31": (4, 10), "81": (5, 10), "11": (6, 10), "30": (7, 10), "84": (8, 10),
    "83": (9, 10),
    "65": (4, 11), "09": (5, 11), "66": (6, 11), "34": (7, 11), "13": (8, 11),
}

# Corse: an island, drawn detached from the mainland (fractional column).
CORSE: dict[str, tuple[float, float]] = {"2B": (11.3, 10), "2A": (11.3, 11)}

# Overseas départements-régions, as insets under the mainland: code → (column, row, short name).
OUTRE_MER: dict[str, tuple[float, float, str]] = {
    "971": (0, 13, "Guadeloupe"), "972": (1.6, 13, "Martinique"), "973": (3.2, 13, "Guyane"),
    "974": (4.8, 13, "La Réunion"), "976": (6.4, 13, "Mayotte"),
}


def position(code: str) -> tuple[float, float] | None:
    """The tile of a département, or None when the layout does not know it."""
    if code in METROPOLE:
        return METROPOLE[code]
    if code in CORSE:
        return CORSE[code]
    if code in OUTRE_MER:
        return OUTRE_MER[code][:2]
    return None


CODES = frozenset(METROPOLE) | frozenset(CORSE) | frozenset(OUTRE_MER)
