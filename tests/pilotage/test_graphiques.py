"""Charts: inline SVG from matplotlib with a title and a description, text kept as text, ids unique on the page,
the values of the table written on the bars."""

from __future__ import annotations

import re

from django.urls import reverse

from esms.pilotage import graphiques


def test_bar_chart_is_accessible_inline_svg():
    svg = graphiques.barres(identifiant="g-test", titre="Titre & co", description="Desc", libelles=["A", "B"],
                            series=[("Série", [12_345, 7])])
    assert svg.startswith("<svg ") and "<?xml" not in svg and "DOCTYPE" not in svg
    assert 'role="img"' in svg and 'aria-labelledby="g-test-titre g-test-desc"' in svg
    assert '<title id="g-test-titre">Titre &amp; co</title>' in svg
    assert "12\u202f345" in svg and ">7<" in svg.replace(" ", "")  # the values are written as SVG text
    assert "<path" in svg and "glyph" not in svg  # fonttype none: no embedded font outlines
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert all(i.startswith("g-test") for i in ids)
    for ref in re.findall(r'url\(#([^)]+)\)', svg):
        assert ref in ids


def test_line_chart_has_month_labels():
    svg = graphiques.courbes(identifiant="g-mois", titre="T", description="D", abscisses=["2024-01", "2024-02"],
                             series=[("Déposés", [1, 2])])
    assert "janv. 2024" in svg and "févr. 2024" in svg


def test_ids_are_unique_on_a_dashboard(client, utilisateurs):
    client.force_login(utilisateurs.admin)
    html = client.get(reverse("pilotage:accueil")).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    doublons = {i for i in ids if ids.count(i) > 1}
    assert not doublons


def test_french_numbers():
    assert graphiques.nombre(1234567) == "1\u202f234\u202f567"
    assert graphiques.nombre(4.75, decimales=1, unite=" %") == "4,8 %"
    assert graphiques.graduation(0.25) == "0,25" and graphiques.graduation(1500, " €") == "1\u202f500 €"


def _svg(html: str, identifiant: str) -> str:
    debut = html.index(f'id="{identifiant}"')
    return html[html.rindex("<svg", 0, debut):html.index("</svg>", debut)]


def test_charts_show_the_tables_numbers(client, utilisateurs):
    client.force_login(utilisateurs.admin)
    reponse = client.get(reverse("pilotage:accueil"))
    html, tableaux = reponse.content.decode(), reponse.context["tableaux"]
    secteurs = _svg(html, "g-secteurs")
    for libelle, nombre_, _ in tableaux["secteurs"].lignes:
        assert f">{libelle}<" in secteurs and f">{graphiques.nombre(nombre_)}<" in secteurs
    enveloppes = _svg(html, "g-enveloppes")
    for ligne in tableaux["enveloppes"].lignes:
        assert f">{graphiques.nombre(ligne[1], unite=' €')}<" in enveloppes  # stack length = dotation
    versements = _svg(html, "g-versements")
    for ligne in tableaux["enveloppes"].lignes:
        assert f">{graphiques.nombre(ligne[7], unite=' €')}<" in versements  # stack length = total paid or due
    etats = _svg(html, "g-etats")
    for ligne in tableaux["etats"].lignes:
        assert f">{graphiques.nombre(ligne[-1])}<" in etats
