"""Charts as inline SVG, drawn by matplotlib (Agg backend, no pyplot, fonts shipped with matplotlib).

Texts stay SVG text (`svg.fonttype = none`): nothing is embedded or downloaded, the page font renders them
and screen magnifiers keep them sharp. Each SVG gets a `<title>` and a `<desc>` (role="img"), ids prefixed by
the chart's identifier (several charts share a page), and no fixed size (it follows its container).
Rendering is serialised by a lock: matplotlib's rc parameters are process-wide.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from esms.pilotage.format import nombre

matplotlib.use("Agg")  # never a GUI backend on a server (pyplot is not used anyway)

COULEURS = ("#000091", "#6a6af4", "#009081", "#e1000f", "#b34000", "#716043", "#a558a0", "#417dc4")
POLICE = "Marianne, Arial, 'DejaVu Sans', sans-serif"
# Keys typed Any: matplotlib types them as a Literal of every rc name, which a plain dict literal is not.
RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "esms-pilotage",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#929292",
    "axes.labelcolor": "#161616",
    "xtick.color": "#3a3a3a",
    "ytick.color": "#3a3a3a",
    "legend.frameon": False,
}
_VERROU = threading.Lock()


def graduation(valeur: float, unite: str = "") -> str:
    """An axis tick: no useless decimals, thousands separated (1 500, 0,25)."""
    if abs(valeur) >= 1000:
        return nombre(valeur, unite=unite)
    return f"{round(valeur, 6):g}".replace(".", ",") + unite


def _attributs(style: re.Match) -> str:
    proprietes = (p.split(":", 1) for p in style.group(1).split(";") if ":" in p)
    return " ".join(f'{nom.strip()}="{escape(valeur.strip())}"' for nom, valeur in proprietes)


def _sans_style_en_ligne(svg: str) -> str:
    """The page's Content-Security-Policy forbids inline styles: matplotlib's `style="fill: …"` become SVG
    presentation attributes (`fill="…"`, same rendering) and its `<style>` defaults go on the root element."""
    svg = re.sub(r'<defs>\s*<style type="text/css">\*\{stroke-linejoin: round; stroke-linecap: butt\}</style>\s*</defs>',
                 "", svg)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return re.sub(r'\bstyle="([^"]*)"', _attributs, svg)


def _svg(figure: Figure, *, identifiant: str, titre: str, description: str) -> SafeString:
    tampon = io.StringIO()
    FigureCanvasSVG(figure)
    figure.savefig(tampon, format="svg", bbox_inches="tight", pad_inches=0.05,
                   metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = tampon.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{identifiant}-\1"', svg)
    svg = svg.replace("url(#", f"url(#{identifiant}-").replace('href="#', f'href="#{identifiant}-')
    svg = svg.replace("'DejaVu Sans'", POLICE).replace('"DejaVu Sans"', f'"{POLICE}"')
    svg = re.sub(r'<svg ([^>]*?)width="[^"]+" height="[^"]+"', r"<svg \1", svg, count=1)
    svg = _sans_style_en_ligne(svg)
    entete = (f'<svg role="img" class="pilotage-graphique" aria-labelledby="{identifiant}-titre {identifiant}-desc" '
              f'id="{identifiant}" ')
    svg = svg.replace("<svg ", entete, 1)
    fin_ouverture = svg.index(">") + 1
    svg = (svg[:fin_ouverture] + f'<title id="{identifiant}-titre">{escape(titre)}</title>'
           f'<desc id="{identifiant}-desc">{escape(description)}</desc>' + svg[fin_ouverture:])
    return mark_safe(svg)  # noqa: S308 — matplotlib escapes its texts, ours are escaped above


def barres(*, identifiant: str, titre: str, description: str, libelles: Sequence[str],
           series: Sequence[tuple[str, Sequence[float]]], empile: bool = False,
           format_valeur: Callable[[float], str] = nombre, unite: str = "",
           couleurs: Sequence[str] = COULEURS) -> SafeString:
    """Horizontal bars, one group per label (first label on top), the value written at the end of each bar
    (of each stack when `empile`); `unite` follows the axis ticks."""
    n, k = len(libelles), len(series)
    hauteur_groupe = 0.28 * (1 if empile else k) + 0.14
    with _VERROU, matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.6, max(1.4, 0.5 + n * hauteur_groupe)))
        axe = figure.add_subplot()
        positions = list(range(n))
        epaisseur = 0.7 if empile else 0.8 / max(k, 1)
        cumul = [0.0] * n
        entiers = all(float(v or 0).is_integer() for _, valeurs in series for v in valeurs)
        for i, (nom, valeurs) in enumerate(series):
            valeurs = [float(v or 0) for v in valeurs]
            if empile:
                barres_ = axe.barh(positions, valeurs, left=cumul, height=epaisseur, label=nom,
                                   color=couleurs[i % len(couleurs)])
                cumul = [c + v for c, v in zip(cumul, valeurs, strict=True)]
            else:
                decalage = (i - (k - 1) / 2) * epaisseur
                barres_ = axe.barh([p + decalage for p in positions], valeurs, height=epaisseur, label=nom,
                                   color=couleurs[i % len(couleurs)])
                axe.bar_label(barres_, labels=[format_valeur(v) for v in valeurs], padding=3, fontsize=8)
        if empile and series:  # no series (an empty platform): an empty chart, not a crash
            axe.bar_label(barres_, labels=[format_valeur(v) for v in cumul], padding=3, fontsize=8)
        axe.set_yticks(positions, labels=list(libelles))
        axe.invert_yaxis()
        axe.xaxis.set_major_formatter(FuncFormatter(lambda v, _: graduation(v, unite)))
        axe.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=entiers))
        axe.margins(x=0.15)
        axe.set_xlim(left=0, right=max(axe.get_xlim()[1], 1))  # never a negative axis, even when all is 0
        axe.grid(axis="x", color="#e5e5e5", linewidth=0.6)
        axe.set_axisbelow(True)
        if k > 1:
            axe.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(k, 3 if k > 4 else 4), fontsize=8)
        return _svg(figure, identifiant=identifiant, titre=titre, description=description)


def courbes(*, identifiant: str, titre: str, description: str, abscisses: Sequence[str],
            series: Sequence[tuple[str, Sequence[float]]], couleurs: Sequence[str] = COULEURS) -> SafeString:
    """Lines with markers over months (YYYY-MM), at most about twelve ticks on the x axis."""
    with _VERROU, matplotlib.rc_context(RC):
        figure = Figure(figsize=(7.6, 3.0))
        axe = figure.add_subplot()
        positions = list(range(len(abscisses)))
        for i, (nom, valeurs) in enumerate(series):
            axe.plot(positions, [float(v or 0) for v in valeurs], marker="o", markersize=3, linewidth=1.5,
                     label=nom, color=couleurs[i % len(couleurs)])
        pas = max(1, -(-len(abscisses) // 12))
        axe.set_xticks(positions[::pas], labels=[_mois(a) for a in abscisses[::pas]], rotation=45, ha="right")
        axe.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        axe.set_ylim(bottom=0)
        axe.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        axe.set_axisbelow(True)
        axe.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(series), 4), fontsize=8)
        return _svg(figure, identifiant=identifiant, titre=titre, description=description)


MOIS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def _mois(cle: str) -> str:
    return f"{MOIS[int(cle[5:7]) - 1]} {cle[:4]}"
