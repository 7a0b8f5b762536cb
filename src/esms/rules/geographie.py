"""Regions and départements of the programme (INSEE codes), and the Corse / overseas test.

The région → départements table is the INSEE Code officiel géographique, millésime 2026
(`shared/data/cog_departements.csv`, from `@etalab/decoupage-administratif`), restricted to the 13
metropolitan regions and the 5 DROM, which each have an ARS. The collectivités d'outre-mer
(Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, Pacific) have no region code of their own in
the programme: their establishments are filed under Guadeloupe (971) in FINESS.
"""

from __future__ import annotations

REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

DEPARTEMENTS_PAR_REGION: dict[str, tuple[str, ...]] = {
    "01": ("971",),
    "02": ("972",),
    "03": ("973",),
    "04": ("974",),
    "06": ("976",),
    "11": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "24": ("18", "28", "36", "37", "41", "45"),
    "27": ("21", "25", "39", "58", "70", "71", "89", "90"),
    "28": ("14", "27", "50", "61", "76"),
    "32": ("02", "59", "60", "62", "80"),
    "44": ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88"),
    "52": ("44", "49", "53", "72", "85"),
    "53": ("22", "29", "35", "56"),
    "75": ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"),
    "76": ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"),
    "84": ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"),
    "93": ("04", "05", "06", "13", "83", "84"),
    "94": ("2A", "2B"),
}

REGION_PAR_DEPARTEMENT: dict[str, str] = {
    departement: region
    for region, departements in DEPARTEMENTS_PAR_REGION.items()
    for departement in departements
}


def cle_tri_region(code: str) -> tuple[int, str]:
    """Sort key putting INSEE region codes in numeric order ("01" < "06" < "11" < "94")."""
    return (int(code), code) if code.isdigit() else (10**6, code)


def normaliser_departement(code: str) -> str:
    """ "1" → "01", " 2a " → "2A"; other values are returned stripped and upper-cased."""
    texte = str(code).strip().upper()
    if texte.isdigit() and len(texte) == 1:
        return texte.zfill(2)
    return texte
