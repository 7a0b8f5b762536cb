"""Accessibility and layout check of the page a browser journey is on: axe-core (from the npm registry, installed
in tests/axe by `make test`) run inside Chromium reports no WCAG 2.1 A/AA violation, and nothing overflows the
window horizontally (issue 16: no horizontal scroll at 1 280 px) and the State logo is not clipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
NORMES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_VIOLATIONS = """async (normes) => {
  const resultat = await axe.run(document, {runOnly: {type: "tag", values: normes}, resultTypes: ["violations"]});
  return resultat.violations.map(v => ({
    regle: v.id, impact: v.impact, aide: v.help,
    cibles: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " → " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""

_DEBORDEMENTS = """() => {
  const largeur = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= largeur) return [];
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > largeur + 1 && getComputedStyle(e).position !== "fixed")
    .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= largeur + 1)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string"
         ? "." + e.className.trim().split(/\\s+/).join(".") : "") + " (" + Math.round(e.getBoundingClientRect().right) + " px)");
}"""


_LOGO_TRONQUE = """() => [...document.querySelectorAll(".fr-header .fr-logo")]
  .some(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)"""


def _source_axe() -> str:
    if not AXE.exists():
        message = f"axe-core introuvable ({AXE}) : lancez « make test » (npm ci --prefix tests/axe)"
        if os.environ.get("ESMS_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def verifier(page, *, contexte: str = "") -> None:
    """Fails with the page's address, each violated rule and its first elements, and any element overflowing."""
    page.wait_for_load_state()
    # Evaluated through the DevTools protocol, axe runs under the page's strict CSP without an inline script.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source_axe())
    violations = page.evaluate(_VIOLATIONS, NORMES)
    debordements = page.evaluate(_DEBORDEMENTS)
    largeur = page.viewport_size["width"] if page.viewport_size else None
    lignes = [f"- {v['regle']} ({v['impact']}) : {v['aide']}\n    " + "\n    ".join(v["cibles"]) for v in violations]
    if page.evaluate(_LOGO_TRONQUE):
        lignes.append(f"- le bloc-marque « République française » est tronqué à {largeur} px")
    if debordements:
        lignes.append(f"- défilement horizontal à {largeur} px : " + ", ".join(debordements))
    assert not lignes, f"{contexte or page.url} — {len(lignes)} problème(s) :\n" + "\n".join(lignes)
