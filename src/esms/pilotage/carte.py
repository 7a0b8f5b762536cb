"""The schematic map of France (tile cartogram, see `tuiles`), as an inline SVG choropleth.

Two levels share the same tiles: by région (each tile takes its region's value and class, the region's code
is written once on it) and by département (each tile its own value and code). Thick lines follow the region
boundaries; the overseas regions are insets. Every tile carries a `<title>` (name, code, value) and the whole
map a title and a description; the table under the map gives the same figures to every reader.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from esms.pilotage import tuiles

T = 40  # tile side (px)
MARGE = 8
LARGEUR = MARGE * 2 + round(12.4 * T)
HAUTEUR = MARGE * 2 + round(15.4 * T)

NUL = "#ececfe"
CLASSES = ("#cacafb", "#9a9aff", "#6a6af4", "#2323b4", "#000091")
TEXTE_CLAIR = {"#6a6af4", "#2323b4", "#000091"}
HORS_PERIMETRE = "#f6f6f6"
NON_CALCULABLE = "#ffffff"


def _pas_rond(maximum: float, n: int) -> float:
    """A round class width (1, 2, 2.5, 5 × 10^k) so that n classes cover [0, maximum]."""
    brut = maximum / n
    puissance = 10 ** math.floor(math.log10(brut))
    for facteur in (1, 2, 2.5, 5, 10):
        if facteur * puissance >= brut:
            return facteur * puissance
    return 10 * puissance  # pragma: no cover


def classes(valeurs: list[float | None], n: int = len(CLASSES)) -> list[float]:
    """Upper bounds of the positive classes (empty when every value is 0)."""
    maximum = max((v for v in valeurs if v is not None), default=0)
    if maximum <= 0:
        return []
    pas = _pas_rond(maximum, n)
    return [round(pas * (i + 1), 6) for i in range(n) if i == 0 or pas * i < maximum]


def couleur(valeur: float | None, bornes: list[float]) -> str:
    if valeur is None:
        return NON_CALCULABLE
    if valeur <= 0 or not bornes:
        return NUL
    for i, borne in enumerate(bornes):
        if valeur <= borne:
            return CLASSES[i]
    return CLASSES[len(bornes) - 1]


def _nombre(valeur: float) -> str:
    texte = f"{valeur:,.1f}".replace(",", "\u202f").replace(".", ",")
    return texte[:-2] if texte.endswith(",0") else texte


def legende(bornes: list[float], unite: str) -> list[tuple[str, str]]:
    """(colour, label) of each class, as drawn on the map."""
    entrees = [(NUL, f"0{unite}")]
    bas = 0.0
    for i, borne in enumerate(bornes):
        entrees.append((CLASSES[i], f"plus de {_nombre(bas)} à {_nombre(borne)}{unite}"))
        bas = borne
    return entrees


def carte(*, identifiant: str, titre: str, description: str, niveau: str, valeurs: dict[str, float | None],
          geographie: dict, perimetre: str | None = None, unite: str = " %",
          format_valeur: Callable[[float | None], str] | None = None) -> SafeString:
    """The map as an inline `<svg>`; `valeurs` is keyed by region code (niveau "region") or département code."""
    if niveau not in ("region", "departement"):
        raise ValueError(f"Niveau de carte inconnu : {niveau}.")
    formater = format_valeur or (lambda v: "non calculable" if v is None else f"{_nombre(v)}{unite}")
    departements = [d for d in geographie["departements"] if tuiles.position(d["code"]) is not None]
    region_de = {d["code"]: d["region"] for d in departements}
    dans = {d["code"]: perimetre is None or d["region"] == perimetre for d in departements}
    cle = (lambda d: d["region"]) if niveau == "region" else (lambda d: d["code"])
    bornes = classes([valeurs.get(cle(d)) for d in departements if dans[d["code"]]])

    elements = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pilotage-carte" role="img" '
        f'viewBox="0 0 {LARGEUR} {HAUTEUR}" width="{LARGEUR}" height="{HAUTEUR}" '
        f'aria-labelledby="{identifiant}-titre {identifiant}-desc" id="{identifiant}">',
        f'<title id="{identifiant}-titre">{escape(titre)}</title>',
        f'<desc id="{identifiant}-desc">{escape(description)}</desc>',
        '<g font-family="Marianne, Arial, sans-serif" text-anchor="middle">',
    ]
    for d in departements:
        x, y = _coin(d["code"])
        if dans[d["code"]]:
            valeur = valeurs.get(cle(d))
            fond = couleur(valeur, bornes)
            infobulle = (f"{d['nom']} ({d['code']}) — {geographie['regions'].get(d['region'], d['region'])} : "
                         if niveau == "departement" else
                         f"{geographie['regions'].get(d['region'], d['region'])} ({d['region']}), {d['nom']} : ")
            infobulle += formater(valeur)
        else:
            fond, infobulle = HORS_PERIMETRE, f"{d['nom']} ({d['code']}) : hors périmètre"
        trait = ' stroke="#929292" stroke-dasharray="3 2"' if fond == NON_CALCULABLE else ""
        elements.append(f'<g data-code="{escape(d["code"])}" data-region="{escape(d["region"])}">'
                        f"<title>{escape(infobulle)}</title>"
                        f'<rect x="{x + 1}" y="{y + 1}" width="{T - 2}" height="{T - 2}" rx="3" fill="{fond}"{trait}/>')
        if niveau == "departement":
            elements.append(_texte(x + T / 2, y + T / 2 + 4, d["code"], fond, 11))
        elements.append("</g>")
    elements.append(_frontieres(region_de))
    elements.extend(_cadres_outre_mer(region_de))
    if niveau == "region":
        for code, (x, y) in _etiquettes_regions(region_de).items():
            fond = couleur(valeurs.get(code), bornes) if perimetre in (None, code) else HORS_PERIMETRE
            elements.append(_texte(x + T / 2, y + T / 2 + 5, code, fond, 14, gras=True))
    elements.extend(_legende(legende(bornes, unite), perimetre is not None,
                             any(valeurs.get(cle(d)) is None for d in departements if dans[d["code"]])))
    elements.append("</g></svg>")
    return mark_safe("".join(elements))  # noqa: S308 — every text inserted above is escaped


def _position(code: str) -> tuple[float, float]:
    """The tile of a département the map draws (those without one are left out before drawing)."""
    tuile = tuiles.position(code)
    if tuile is None:
        raise ValueError(f"Département sans tuile sur la carte : {code}.")
    return tuile


def _coin(code: str) -> tuple[float, float]:
    colonne, ligne = _position(code)
    return MARGE + colonne * T, MARGE + ligne * T


def _texte(x: float, y: float, texte: str, fond: str, taille: int, *, gras: bool = False) -> str:
    couleur_texte = "#ffffff" if fond in TEXTE_CLAIR else ("#929292" if fond == HORS_PERIMETRE else "#161616")
    poids = ' font-weight="bold"' if gras else ""
    return (f'<text x="{x:g}" y="{y:g}" font-size="{taille}" fill="{couleur_texte}"{poids}>'
            f"{escape(texte)}</text>")


def _frontieres(region_de: dict[str, str]) -> str:
    """Thick lines on the tile sides where the neighbour is of another region (or the sea)."""
    occupe = {_position(code): code for code in region_de if code not in tuiles.OUTRE_MER}
    segments = []
    for (colonne, ligne), code in occupe.items():
        x, y = MARGE + colonne * T, MARGE + ligne * T
        for (dc, dl), (x1, y1, x2, y2) in (((0, -1), (x, y, x + T, y)), ((0, 1), (x, y + T, x + T, y + T)),
                                           ((-1, 0), (x, y, x, y + T)), ((1, 0), (x + T, y, x + T, y + T))):
            voisin = occupe.get((colonne + dc, ligne + dl))
            if voisin is None or region_de[voisin] != region_de[code]:
                segments.append(f"M{x1:g} {y1:g}L{x2:g} {y2:g}")
    return f'<path d="{"".join(segments)}" stroke="#161616" stroke-width="1.5" fill="none" stroke-linecap="square"/>'


def _cadres_outre_mer(region_de: dict[str, str]) -> list[str]:
    elements = [f'<text x="{MARGE}" y="{MARGE + 12.75 * T:g}" font-size="11" text-anchor="start" '
                f'fill="#3a3a3a">Outre-mer (hors échelle)</text>']
    for code, (colonne, ligne, nom) in tuiles.OUTRE_MER.items():
        if code not in region_de:
            continue
        x, y = MARGE + colonne * T, MARGE + ligne * T
        elements.append(f'<rect x="{x - 8:g}" y="{y - 5:g}" width="{T + 16}" height="{T + 24}" fill="none" '
                        f'stroke="#3a3a3a" stroke-width="0.8"/>')
        elements.append(f'<text x="{x + T / 2:g}" y="{y + T + 13:g}" font-size="9" fill="#3a3a3a">{escape(nom)}</text>')
    return elements


def _etiquettes_regions(region_de: dict[str, str]) -> dict[str, tuple[float, float]]:
    """For each region, the corner of its tile nearest to the mean position of its tiles."""
    par_region: dict[str, list[tuple[float, float]]] = {}
    for code, region in region_de.items():
        par_region.setdefault(region, []).append(_coin(code))
    etiquettes = {}
    for region, coins in par_region.items():
        mx = sum(x for x, _ in coins) / len(coins)
        my = sum(y for _, y in coins) / len(coins)
        etiquettes[region] = min(coins, key=lambda c: ((c[0] - mx) ** 2 + (c[1] - my) ** 2, c))
    return etiquettes


def _legende(entrees: list[tuple[str, str]], hors_perimetre: bool, non_calculable: bool) -> list[str]:
    if hors_perimetre:
        entrees = [*entrees, (HORS_PERIMETRE, "hors périmètre")]
    if non_calculable:
        entrees = [*entrees, (NON_CALCULABLE, "non calculable")]
    x, y = MARGE + 8.3 * T, MARGE + 12.2 * T
    elements = ['<g font-size="10" text-anchor="start" fill="#161616">']
    for i, (fond, libelle) in enumerate(entrees):
        ligne = y + i * 15
        trait = "#929292" if fond in (NON_CALCULABLE, HORS_PERIMETRE) else fond
        elements.append(f'<rect x="{x:g}" y="{ligne:g}" width="12" height="12" fill="{fond}" stroke="{trait}"/>'
                        f'<text x="{x + 17:g}" y="{ligne + 10:g}">{escape(libelle)}</text>')
    elements.append("</g>")
    return elements
