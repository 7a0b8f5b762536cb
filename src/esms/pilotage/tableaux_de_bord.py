"""The pages' content: sections of charts, maps and tables, built from one perimeter's aggregate.

`tableau_de_bord` serves the national dashboard (region None) and each region's; `statistiques_publiques`
the public page (aggregates only: no name, no amount of a dossier not decided). Both build the sections from
the figures of a stored aggregate (`pilotage.agregats.calculer`, read through `pilotage.rafraichir.lire`): no
query here. The export views reuse them, so a download is always the table on the page.
"""

from __future__ import annotations

from esms.candidatures.models import Dossier
from esms.pilotage import carte, graphiques, selectors_sons, tableaux
from esms.pilotage.chiffres_cles import CHIFFRES_CLES
from esms.pilotage.tableaux import Section
from esms.rules.categories import SECTEUR_LIBELLES

DESCRIPTION = "Les valeurs exactes figurent dans le tableau qui suit le graphique."


def _pourcent(valeur: float) -> str:
    return graphiques.nombre(valeur, decimales=1, unite=" %")


def _euros(valeur: float) -> str:
    return graphiques.nombre(valeur, unite=" €")


def _section_indicateurs(ind: dict, *, titre: str) -> Section:
    tableau = tableaux.indicateurs(ind)
    libelles = [f"ESSMS embarqués / {graphiques.nombre(ind['cible_etablissements'])}"]
    valeurs = [ind["taux_etablissements"] or 0]
    if ind["dui"]["disponible"]:
        libelles.append(f"DUI actifs / {graphiques.nombre(ind['dui']['cible'])}")
        valeurs.append(ind["dui"]["taux"] or 0)
    figure = graphiques.barres(
        identifiant="g-indicateurs", titre="Taux d'atteinte des cibles nationales (%)", description=DESCRIPTION,
        libelles=libelles, series=[("Taux d'atteinte (%)", valeurs)], format_valeur=_pourcent, unite=" %")
    return Section(slug="indicateurs", titre=titre, figures=[figure], tableaux=[tableau],
                   message="" if ind["dui"]["disponible"] else "DUI actifs : indicateur en cours de collecte.")


def _section_territoire(*, geo: dict, regions: list[dict] | None, departements: list[dict],
                        region: str | None, dossiers_total: int | None) -> Section:
    figures = []
    tables = []
    if regions is not None:
        figures.append(carte.carte(
            identifiant="carte-regions", titre="Taux de couverture par région (ESSMS embarqués / éligibles)",
            description="Carte schématique de la France, une tuile par département, colorée selon le taux de "
                        "sa région ; les codes des régions sont inscrits. " + DESCRIPTION,
            niveau="region", valeurs={r["code"]: r["taux"] for r in regions}, geographie=geo))
        tables.append(tableaux.couverture_regions(regions, dossiers_total=dossiers_total))
    figures.append(carte.carte(
        identifiant="carte-departements", titre="Taux de couverture par département (ESSMS embarqués / éligibles)",
        description="Carte schématique de la France, une tuile par département avec son code ; l'outre-mer en "
                    "encarts. " + DESCRIPTION,
        niveau="departement", valeurs={d["code"]: d["taux"] for d in departements}, geographie=geo,
        perimetre=region))
    tables.append(tableaux.couverture_departements(departements, geo["regions"]))
    return Section(
        slug="territoire", titre="Équité territoriale : couverture des ESSMS éligibles", figures=figures,
        tableaux=tables,
        intro="Carte schématique (une tuile par département, l'outre-mer en encarts) : la plateforme ne détient "
              "aucun contour géographique et n'en télécharge pas. Les traits épais suivent les limites des régions.")


def _section_enveloppes(lignes: list[dict]) -> Section:
    tableau = tableaux.enveloppes(lignes)
    libelles = [ligne["libelle"] for ligne in lignes]
    figures = [
        graphiques.barres(
            identifiant="g-enveloppes", titre="Dotation des enveloppes : engagé et disponible (€)",
            description="Barres empilées : engagé puis disponible ; la longueur totale est la dotation. "
                        + DESCRIPTION, libelles=libelles, empile=True, format_valeur=_euros, unite=" €",
            series=[("Engagé", [ligne["engage"] for ligne in lignes]),
                    ("Disponible", [ligne["disponible"] for ligne in lignes])]),
        graphiques.barres(
            identifiant="g-versements", titre="Versements programmés, ordonnés et payés (€)",
            description="Barres empilées : payés, ordonnés, programmés. " + DESCRIPTION, libelles=libelles,
            empile=True, format_valeur=_euros, unite=" €", couleurs=("#009081", "#6a6af4", "#cacafb"),
            series=[("Payés", [ligne["versements_payes"] for ligne in lignes]),
                    ("Ordonnés", [ligne["versements_ordonnes"] for ligne in lignes]),
                    ("Programmés", [ligne["versements_programmes"] for ligne in lignes])]),
    ] if lignes else []
    return Section(slug="enveloppes", titre="Enveloppes engagées et versements par ARS", figures=figures,
                   tableaux=[tableau])


def _section_etats(lignes: list[dict]) -> Section:
    appels = [(a.value, a.label) for a in Dossier.Appel]
    return Section(
        slug="etats", titre="Dossiers par état et par appel à projets", tableaux=[tableaux.etats(lignes, appels)],
        figures=[graphiques.barres(
            identifiant="g-etats", titre="Dossiers déposés par état et par appel", description=DESCRIPTION,
            libelles=[ligne["libelle"] for ligne in lignes], empile=True,
            series=[(f"Appel {libelle.lower()}", [ligne[a] for ligne in lignes]) for a, libelle in appels])])


def _section_secteurs(lignes: list[dict]) -> Section:
    tableau = tableaux.secteurs(lignes)
    figures = [graphiques.barres(
        identifiant="g-secteurs", titre="ESSMS embarqués par secteur", description=DESCRIPTION,
        libelles=[rangee[0] for rangee in tableau.lignes],
        series=[("ESSMS embarqués", [rangee[1] for rangee in tableau.lignes])])] if lignes else []
    return Section(slug="secteurs", titre="Équilibre des secteurs des ESSMS embarqués", figures=figures,
                   tableaux=[tableau])


def _section_tailles(grappes: list[dict], organismes: list[dict]) -> Section:
    return Section(
        slug="tailles", titre="Diversité des tailles : grappes et organismes gestionnaires",
        tableaux=[tableaux.tailles_grappes(grappes), tableaux.tailles_organismes(organismes)],
        figures=[
            graphiques.barres(
                identifiant="g-tailles-grappes", titre="Dossiers retenus par taille de grappe",
                description=DESCRIPTION, libelles=[ligne["libelle"] for ligne in grappes],
                series=[("Dossiers retenus", [ligne["dossiers"] for ligne in grappes]),
                        ("ESSMS membres", [ligne["etablissements"] for ligne in grappes])]),
            graphiques.barres(
                identifiant="g-tailles-organismes", titre="ESSMS embarqués selon la taille de leur organisme",
                description=DESCRIPTION, libelles=[ligne["libelle"] for ligne in organismes],
                series=[("ESSMS embarqués", [ligne["etablissements"] for ligne in organismes])]),
        ])


def _section_evolution(lignes: list[dict]) -> Section:
    figures = [graphiques.courbes(
        identifiant="g-evolution", titre="Dossiers déposés et décidés par mois", description=DESCRIPTION,
        abscisses=[ligne["mois"] for ligne in lignes],
        series=[("Déposés", [ligne["deposes"] for ligne in lignes]),
                ("Retenus", [ligne["retenus"] for ligne in lignes]),
                ("Non retenus ou sans suite", [ligne["non_retenus"] for ligne in lignes])])] if lignes else []
    return Section(slug="evolution", titre="Évolution dans le temps", figures=figures,
                   tableaux=[tableaux.evolution(lignes)])


def _section_dui(lignes: list[dict]) -> Section:
    return Section(
        slug="dui", titre="DUI actifs par région", tableaux=[tableaux.dui_regions(lignes)],
        figures=[graphiques.barres(
            identifiant="g-dui", titre="DUI actifs par région", description=DESCRIPTION,
            libelles=[ligne["libelle"] for ligne in lignes],
            series=[("DUI actifs", [ligne["dui_actifs"] for ligne in lignes])])] if lignes else [])


def _section_sons(sons: dict) -> Section:
    par_region, par_secteur = sons["par_region"], sons["par_secteur"]
    parts, sans_projet = sons["parts"], sons["sans_projet"]
    tables, figures = [], []
    for lignes, par in ((par_region, "region"), (par_secteur, "secteur")):
        if lignes is None:
            continue
        tables.append(tableaux.couverture_sons(lignes, par=par))
        figures.append(graphiques.barres(
            identifiant=f"g-sons-{par}", titre=f"Couverture SONS par {'région' if par == 'region' else 'secteur'} "
            "(% des ESSMS éligibles)", description="Deux barres par ligne : commandés, déployés. " + DESCRIPTION,
            libelles=[str(ligne["libelle"]) for ligne in lignes], format_valeur=_pourcent, unite=" %",
            series=[("Commandés (%)", [ligne["taux_commandes"] or 0 for ligne in lignes]),
                    ("Déployés (%)", [ligne["taux_deployes"] or 0 for ligne in lignes])]))
    tables.append(tableaux.parts_solutions(parts))
    if parts:
        figures.append(graphiques.barres(
            identifiant="g-parts-solutions", titre="Part des solutions DUI parmi les ESSMS financés (%)",
            description=DESCRIPTION, libelles=[p["solution"] for p in parts], format_valeur=_pourcent, unite=" %",
            series=[("Part (%)", [p["part"] or 0 for p in parts])]))
    tables.append(tableaux.sons_sans_projet(sans_projet, maximum=selectors_sons.SANS_PROJET_MAX))
    return Section(slug="sons", titre="SONS (Prestation Ségur) et solutions DUI", figures=figures, tableaux=tables,
                   intro="Commandes de la Prestation Ségur par les éditeurs pour le compte des ESSMS, solutions des "
                         "projets financés et ESSMS commandés sans projet ESMS numérique.")


def _resultat(sections: list[Section], **extra) -> dict:
    return {"sections": sections, "tableaux": {t.slug: t for s in sections for t in s.tableaux}, **extra}


def tableau_de_bord(donnees: dict, *, region: str | None = None) -> dict:
    """The dashboard of one region (region code) or the national one (None), from its aggregate's figures."""
    ind = donnees["indicateurs"]
    sections = [
        _section_indicateurs(ind, titre="Indicateurs clés"),
        _section_territoire(geo=donnees["geographie"], regions=None if region else donnees["regions"],
                            departements=donnees["departements"], region=region, dossiers_total=ind["dossiers"]),
        _section_enveloppes(donnees["enveloppes"]),
        _section_etats(donnees["etats"]),
        _section_secteurs(donnees["secteurs"]),
        _section_tailles(donnees["tailles_grappes"], donnees["tailles_organismes"]),
        _section_evolution(donnees["evolution"]),
        _section_sons(donnees["sons"]),
    ]
    if not region:
        sections.append(Section(slug="rapprochement", titre="Budget publié et enveloppes",
                                tableaux=[tableaux.rapprochement(donnees["rapprochement"] or [])]))
        if donnees["dui_regions"] is not None:
            sections.append(_section_dui(donnees["dui_regions"]))
    return _resultat(sections, indicateurs=ind)


def statistiques_publiques(donnees: dict) -> dict:
    """The public statistics, from the national aggregate's figures: référentiel, retained dossiers, embarked
    ESSMS, committed amounts, active DUIs."""
    ind = donnees["indicateurs"]
    montants = [{"libelle": e["libelle"], "dotation": e["dotation"], "engage": e["engage"]}
                for e in donnees["enveloppes"]]
    tableau_eligibles = tableaux.eligibles_secteurs(donnees["eligibles"] or [], SECTEUR_LIBELLES)
    secteurs = [c for c in tableau_eligibles.entetes[2:-1]]
    sections = [
        Section(slug="chiffres-cles", titre="Chiffres clés du programme",
                tableaux=[tableaux.chiffres_cles(CHIFFRES_CLES)]),
        _section_indicateurs(ind, titre="Avancement vers les cibles nationales"),
        _section_territoire(geo=donnees["geographie"], regions=donnees["regions"],
                            departements=donnees["departements"], region=None, dossiers_total=ind["dossiers"]),
        Section(slug="montants", titre="Montants engagés par région", tableaux=[tableaux.montants(montants)],
                figures=[graphiques.barres(
                    identifiant="g-montants", titre="Montants engagés par enveloppe (€)", description=DESCRIPTION,
                    libelles=[m["libelle"] for m in montants], format_valeur=_euros, unite=" €",
                    series=[("Engagé", [m["engage"] for m in montants])])] if montants else []),
        Section(slug="eligibles", titre="ESSMS éligibles par région et par secteur",
                tableaux=[tableau_eligibles],
                figures=[graphiques.barres(
                    identifiant="g-eligibles", titre="ESSMS éligibles par région et par secteur",
                    description="Barres empilées par secteur. " + DESCRIPTION, empile=True,
                    libelles=[ligne[1] for ligne in tableau_eligibles.lignes],
                    series=[(nom, [ligne[2 + i] for ligne in tableau_eligibles.lignes])
                            for i, nom in enumerate(secteurs)])]),
    ]
    if donnees["dui_regions"] is not None:
        sections.append(_section_dui(donnees["dui_regions"]))
    return _resultat(sections, indicateurs=ind)
