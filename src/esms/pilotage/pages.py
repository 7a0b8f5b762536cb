"""The laid-out pages stored in an aggregate, and back: sections (charts and maps as inline SVG, tables with
their raw values) as JSON when the aggregate is computed, rebuilt as `Section`/`Tableau` objects when a page or
an export reads it. Drawing the charts (matplotlib) is the slow part of a page: it happens once per change, in
the recomputation task, never in a request.

The SVG strings are the platform's own output (texts escaped when drawn), hence marked safe again on reading.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils.safestring import mark_safe

from esms.pilotage.tableaux import Colonne, Section, Tableau


def vers_json(page: dict) -> dict:
    """A page built by `tableaux_de_bord` (sections, indicators) as JSON-safe data."""
    return {"indicateurs": page["indicateurs"], "sections": [
        {"slug": s.slug, "titre": s.titre, "intro": s.intro, "message": s.message,
         "figures": [str(f) for f in s.figures], "tableaux": [asdict(t) for t in s.tableaux]}
        for s in page["sections"]]}


def _tableau(donnees: dict) -> Tableau:
    return Tableau(**{**donnees, "colonnes": [Colonne(**c) for c in donnees["colonnes"]]})


def depuis_json(page: dict) -> dict:
    """The page's sections, its tables by slug (for the exports) and its indicators."""
    sections = [Section(slug=s["slug"], titre=s["titre"], intro=s["intro"], message=s["message"],
                        figures=[mark_safe(f) for f in s["figures"]],  # noqa: S308 -- our own SVG, escaped when drawn
                        tableaux=[_tableau(t) for t in s["tableaux"]])
                for s in page["sections"]]
    return {"sections": sections, "tableaux": {t.slug: t for s in sections for t in s.tableaux},
            "indicateurs": page["indicateurs"]}
