"""The data tables of the pages: built from the selectors' figures, shown under each chart and exported as is.

A `Tableau` holds raw values (numbers stay numbers in CSV/XLSX/ODS); its `affichage` formats them the French
way for the page. The chart of a section is drawn from the same rows, so the page, the chart and the export
always show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from esms.pilotage.format import nombre
from esms.rules.programme import cible_dui_actifs, cible_essms, libelle_cible

ENTIER, EUROS, TAUX, DECIMAL, TEXTE, LIEN = "entier", "euros", "taux", "decimal", "texte", "lien"


@dataclass(frozen=True)
class Colonne:
    libelle: str
    nature: str = ENTIER


@dataclass
class Tableau:
    slug: str
    titre: str  # the caption
    colonnes: list[Colonne]
    lignes: list[list]
    total: list | None = None
    note: str = ""
    vide: str = "Aucune donnée pour ce périmètre."
    en_tetes_de_ligne: int = 1  # leading columns rendered as <th scope="row">

    @property
    def entetes(self) -> list[str]:
        return [c.libelle for c in self.colonnes]

    def lignes_export(self) -> list[list]:
        return [*self.lignes, *([self.total] if self.total else [])]

    def _formater(self, ligne: list) -> list[dict]:
        cellules = []
        for i, (colonne, valeur) in enumerate(zip(self.colonnes, ligne, strict=True)):
            numerique = colonne.nature not in (TEXTE, LIEN)
            if valeur is None:
                texte = "—"
            elif colonne.nature == TAUX:
                texte = nombre(valeur, decimales=1)
            elif colonne.nature == DECIMAL:
                texte = nombre(valeur, decimales=0 if float(valeur).is_integer() else 1)
            elif colonne.nature == LIEN:
                texte = urlparse(str(valeur)).netloc or str(valeur)
            elif numerique and isinstance(valeur, int | float):
                texte = nombre(valeur)
            else:
                texte = str(valeur)
            cellules.append({"texte": texte, "numerique": numerique, "entete": i < self.en_tetes_de_ligne,
                             "lien": str(valeur) if colonne.nature == LIEN and valeur else ""})
        return cellules

    @property
    def affichage(self) -> list[list[dict]]:
        return [self._formater(ligne) for ligne in self.lignes]

    @property
    def affichage_total(self) -> list[dict] | None:
        return self._formater(self.total) if self.total else None


@dataclass
class Section:
    slug: str
    titre: str
    intro: str = ""
    figures: list = field(default_factory=list)  # inline SVG (charts, maps)
    tableaux: list[Tableau] = field(default_factory=list)
    message: str = ""  # shown instead of figures (e.g. an indicator still being collected)


def taux(numerateur: int | None, denominateur: int | None) -> float | None:
    if numerateur is None or not denominateur:
        return None
    return round(100 * numerateur / denominateur, 1)


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


# --- Builders -------------------------------------------------------------------------------------------

def indicateurs(ind: dict) -> Tableau:
    dui = ind["dui"]
    return Tableau(
        slug="indicateurs", titre="Indicateurs clés et cibles nationales",
        colonnes=[Colonne("Indicateur", TEXTE), Colonne("Valeur"), Colonne("Cible nationale"),
                  Colonne("Taux d'atteinte de la cible nationale (%)", TAUX)],
        lignes=[
            ["ESSMS embarqués (membres d'un dossier retenu)", ind["etablissements_embarques"],
             ind["cible_etablissements"], ind["taux_etablissements"]],
            ["DUI actifs (indicateurs validés)", dui["dui_actifs"], dui["cible"], dui["taux"]],
            ["Dossiers retenus", ind["dossiers"], None, None],
            ["Montant retenu (€)", ind["montant_retenu"], None, None],
        ],
        note=(f"Cibles : {libelle_cible(cible_essms())} (CNSA, Atlas 2024) ; {libelle_cible(cible_dui_actifs())} "
              "(conditionne le versement des fonds européens)."
              + ("" if dui["disponible"] else " DUI actifs : indicateur en cours de collecte.")),
    )


def couverture_regions(lignes: list[dict], *, dossiers_total: int | None = None) -> Tableau:
    eligibles = sum(ligne["eligibles"] for ligne in lignes)
    embarques = sum(ligne["embarques"] for ligne in lignes)
    return Tableau(
        slug="regions", titre="ESSMS éligibles, dossiers retenus et ESSMS embarqués par région",
        colonnes=[Colonne("Code", TEXTE), Colonne("Région", TEXTE), Colonne("ESSMS éligibles"),
                  Colonne("Dossiers retenus"), Colonne("ESSMS embarqués"), Colonne("Taux de couverture (%)", TAUX)],
        lignes=[[ligne["code"], ligne["nom"], ligne["eligibles"], ligne["dossiers_retenus"], ligne["embarques"],
                 ligne["taux"]] for ligne in lignes],
        total=(["", "Total", eligibles, dossiers_total, embarques, taux(embarques, eligibles)]
               if len(lignes) > 1 else None),
        en_tetes_de_ligne=2,
        note=("Un dossier multirégional compte dans chacune de ses régions ; le total compte chaque dossier une "
              "fois. Taux de couverture : ESSMS embarqués / ESSMS éligibles ouverts du référentiel FINESS."),
    )


def couverture_departements(lignes: list[dict], regions: dict[str, str]) -> Tableau:
    eligibles = sum(ligne["eligibles"] for ligne in lignes)
    embarques = sum(ligne["embarques"] for ligne in lignes)
    return Tableau(
        slug="departements", titre="ESSMS éligibles et embarqués par département",
        colonnes=[Colonne("Code", TEXTE), Colonne("Département", TEXTE), Colonne("Région", TEXTE),
                  Colonne("ESSMS éligibles"), Colonne("ESSMS embarqués"), Colonne("Taux de couverture (%)", TAUX)],
        lignes=[[ligne["code"], ligne["nom"], regions.get(ligne["region_id"], ligne["region_id"]), ligne["eligibles"],
                 ligne["embarques"], ligne["taux"]] for ligne in lignes],
        total=["", "Total", "", eligibles, embarques, taux(embarques, eligibles)] if len(lignes) > 1 else None,
        en_tetes_de_ligne=2,
    )


def enveloppes(lignes: list[dict]) -> Tableau:
    cles = ("dotation", "engage", "disponible", "versements_programmes", "versements_ordonnes", "versements_payes")
    rangees = [[ligne["libelle"], *(ligne[c] for c in cles),
                ligne["versements_programmes"] + ligne["versements_ordonnes"] + ligne["versements_payes"]]
               for ligne in lignes]
    return Tableau(
        slug="enveloppes", titre="Enveloppes et versements par ARS",
        colonnes=[Colonne("Enveloppe", TEXTE), Colonne("Dotation (€)", EUROS), Colonne("Engagé (€)", EUROS),
                  Colonne("Disponible (€)", EUROS), Colonne("Versements programmés (€)", EUROS),
                  Colonne("Versements ordonnés (€)", EUROS), Colonne("Versements payés (€)", EUROS),
                  Colonne("Total des versements (€)", EUROS)],
        lignes=rangees,
        total=["Total", *(sum(r[i] for r in rangees) for i in range(1, 8))] if len(rangees) > 1 else None,
        note=("Engagé : engagements nets des libérations ; disponible = dotation − engagé (grand livre des "
              "enveloppes). Un versement relève de l'enveloppe que son dossier engage (région pilote, ou "
              "enveloppe nationale pour l'appel national) ; les versements annulés sont exclus."),
    )


def rapprochement(lignes: list[dict]) -> Tableau:
    """The envelopes set on the platform plus the fees against the programme total published per campaign."""
    hors = {nom for ligne in lignes for nom in ligne["hors_programme"]}
    return Tableau(
        slug="rapprochement", titre="Rapprochement avec le budget publié du programme",
        colonnes=[Colonne("Campagne", TEXTE), Colonne("Total publié (€)", EUROS),
                  Colonne("Part ARS publiée (€)", EUROS), Colonne("Enveloppes ARS dotées (€)", EUROS),
                  Colonne("Appel national publié (€)", EUROS), Colonne("Enveloppe nationale dotée (€)", EUROS),
                  Colonne("Frais de gestion CDC (€)", EUROS), Colonne("Total plateforme (€)", EUROS),
                  Colonne("Écart au total publié (€)", EUROS)],
        lignes=[[ligne["campagne"], ligne["total_publie"], ligne["regional_publie"], ligne["enveloppes_ars"],
                 ligne["national_publie"], ligne["enveloppe_nationale"], ligne["frais_gestion"],
                 ligne["total_plateforme"], ligne["ecart"]] for ligne in lignes],
        note=("Total plateforme = enveloppes ARS dotées + enveloppe nationale dotée + frais de gestion de la "
              "Caisse des dépôts ; écart = total plateforme − total publié (négatif : crédits publiés non encore "
              "dotés). Lignes publiées à côté du programme, hors rapprochement : "
              + (", ".join(sorted(hors)) or "aucune") + ". Sources : paramètres de chaque campagne (esms rules params)."),
    )


def montants(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="montants", titre="Montants engagés par enveloppe régionale (ARS) et nationale",
        colonnes=[Colonne("Enveloppe", TEXTE), Colonne("Dotation (€)", EUROS), Colonne("Engagé (€)", EUROS)],
        lignes=[[ligne["libelle"], ligne["dotation"], ligne["engage"]] for ligne in lignes],
        total=["Total", sum(ligne["dotation"] for ligne in lignes), sum(ligne["engage"] for ligne in lignes)]
        if len(lignes) > 1 else None,
        note="Engagé : montants des dossiers retenus, nets des libérations (décisions prises uniquement).",
    )


def chiffres_cles(chiffres) -> Tableau:
    return Tableau(
        slug="chiffres-cles", titre="Chiffres clés publics du programme ESMS numérique",
        colonnes=[Colonne("Indicateur", TEXTE), Colonne("Valeur", DECIMAL), Colonne("Unité", TEXTE),
                  Colonne("Périmètre", TEXTE), Colonne("Période", TEXTE), Colonne("Source", LIEN),
                  Colonne("Remarque", TEXTE)],
        lignes=[[c.indicateur, c.valeur, c.unite, c.perimetre, c.periode, c.source, c.remarque] for c in chiffres],
        note=("Chiffres cités par des pages publiques (pas un jeu de données officiel) : à vérifier sur le texte "
              "officiel avant de les présenter comme faisant foi."),
    )


def etats(lignes: list[dict], appels: list[tuple[str, str]]) -> Tableau:
    return Tableau(
        slug="etats", titre="Dossiers déposés par état et par appel à projets",
        colonnes=[Colonne("État", TEXTE), *(Colonne(f"Appel {libelle.lower()}") for _, libelle in appels),
                  Colonne("Total")],
        lignes=[[ligne["libelle"], *(ligne[a] for a, _ in appels), ligne["total"]] for ligne in lignes],
        total=["Total", *(sum(ligne[a] for ligne in lignes) for a, _ in appels),
               sum(ligne["total"] for ligne in lignes)],
        note="Les brouillons (non déposés) ne sont pas comptés.",
    )


def secteurs(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="secteurs", titre="ESSMS embarqués par secteur",
        colonnes=[Colonne("Secteur", TEXTE), Colonne("ESSMS embarqués"), Colonne("Part (%)", TAUX)],
        lignes=[[_majuscule(ligne["libelle"]), ligne["etablissements"], ligne["part"]] for ligne in lignes],
        total=["Total", sum(ligne["etablissements"] for ligne in lignes), 100.0 if lignes else None],
        note="Secteur qualifié par un agent lorsqu'il existe, sinon celui de la catégorie FINESS.",
    )


def tailles_grappes(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="tailles-grappes", titre="Dossiers retenus par taille de grappe",
        colonnes=[Colonne("Taille de la grappe", TEXTE), Colonne("Dossiers retenus"),
                  Colonne("ESSMS membres (toutes régions)")],
        lignes=[[ligne["libelle"], ligne["dossiers"], ligne["etablissements"]] for ligne in lignes],
        total=["Total", sum(ligne["dossiers"] for ligne in lignes), sum(ligne["etablissements"] for ligne in lignes)],
        note="Taille : nombre d'ESSMS membres de la grappe (8 au moins en Corse et outre-mer, 15 ailleurs).",
    )


def tailles_organismes(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="tailles-organismes", titre="ESSMS embarqués selon la taille de leur organisme gestionnaire",
        colonnes=[Colonne("Taille de l'organisme gestionnaire", TEXTE), Colonne("ESSMS embarqués")],
        lignes=[[ligne["libelle"], ligne["etablissements"]] for ligne in lignes],
        total=["Total", sum(ligne["etablissements"] for ligne in lignes)],
        note="Taille : nombre d'ESSMS ouverts et éligibles que l'organisme gestionnaire (FINESS EJ) gère.",
    )


def evolution(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="evolution", titre="Dossiers déposés et décidés par mois",
        colonnes=[Colonne("Mois", TEXTE), Colonne("Dossiers déposés"), Colonne("Dossiers retenus"),
                  Colonne("Dossiers non retenus ou sans suite")],
        lignes=[[ligne["mois"], ligne["deposes"], ligne["retenus"], ligne["non_retenus"]] for ligne in lignes],
        total=["Total", *(sum(ligne[c] for ligne in lignes) for c in ("deposes", "retenus", "non_retenus"))]
        if lignes else None,
        note="Mois du dépôt et mois de la décision (heure de Paris).",
    )


def dui_regions(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="dui-regions", titre="DUI actifs par région",
        colonnes=[Colonne("Code", TEXTE), Colonne("Région", TEXTE), Colonne("DUI actifs")],
        lignes=[[ligne["cle"], ligne["libelle"], ligne["dui_actifs"]] for ligne in lignes],
        total=["", "Total", sum(ligne["dui_actifs"] for ligne in lignes)] if len(lignes) > 1 else None,
        en_tetes_de_ligne=2, note="Indicateurs d'usage validés (application usages).",
    )


def eligibles_secteurs(lignes: list[dict], libelles: dict[str, str]) -> Tableau:
    presents = [s for s in libelles if any(s in ligne["secteurs"] for ligne in lignes)]
    autres = sorted({s for ligne in lignes for s in ligne["secteurs"]} - set(presents))
    ordre = presents + autres
    return Tableau(
        slug="eligibles", titre="ESSMS éligibles par région et par secteur (référentiel FINESS)",
        colonnes=[Colonne("Code", TEXTE), Colonne("Région", TEXTE),
                  *(Colonne(_majuscule(libelles.get(s) or s)) for s in ordre), Colonne("Total")],
        lignes=[[ligne["region"], ligne["libelle"], *(ligne["secteurs"].get(s, 0) for s in ordre), ligne["total"]]
                for ligne in lignes],
        total=["", "Total", *(sum(ligne["secteurs"].get(s, 0) for ligne in lignes) for s in ordre),
               sum(ligne["total"] for ligne in lignes)],
        en_tetes_de_ligne=2,
        note="ESSMS ouverts dont la catégorie FINESS relève de l'article L.312-1 du CASF.",
    )


def couverture_sons(lignes: list[dict], *, par: str) -> Tableau:
    premiere = "Région" if par == "region" else "Secteur"
    return Tableau(
        slug=f"sons-{par}", titre=f"Couverture SONS (Prestation Ségur) par {premiere.lower()}",
        colonnes=[Colonne(premiere, TEXTE), Colonne("ESSMS éligibles"), Colonne("ESSMS avec commande SONS"),
                  Colonne("Commandés (%)", TAUX), Colonne("ESSMS déployés"), Colonne("Déployés (%)", TAUX)],
        lignes=[[_majuscule(str(ligne["libelle"])), ligne["eligibles"], ligne["commandes"], ligne["taux_commandes"],
                 ligne["deployes"], ligne["taux_deployes"]] for ligne in lignes],
        total=["Total", *(sum(ligne[c] for ligne in lignes) for c in ("eligibles", "commandes")),
               taux(sum(ligne["commandes"] for ligne in lignes), sum(ligne["eligibles"] for ligne in lignes)),
               sum(ligne["deployes"] for ligne in lignes),
               taux(sum(ligne["deployes"] for ligne in lignes), sum(ligne["eligibles"] for ligne in lignes))]
        if lignes else None,
        note="Commandes SONS connues de la plateforme (import de fichier ou API des éditeurs) ; déployés : statut "
             "« déployé » ou « payé au vendeur ». Éligibles : ESSMS ouverts des catégories éligibles.",
    )


def parts_solutions(lignes: list[dict]) -> Tableau:
    return Tableau(
        slug="parts-solutions", titre="Part des solutions DUI parmi les ESSMS financés",
        colonnes=[Colonne("Solution (éditeur)", TEXTE), Colonne("ESSMS financés"), Colonne("Part (%)", TAUX)],
        lignes=[[ligne["solution"], ligne["etablissements"], ligne["part"]] for ligne in lignes],
        total=["Total", sum(ligne["etablissements"] for ligne in lignes), 100.0 if lignes else None],
        note="ESSMS membres des dossiers retenus, selon la solution du registre choisie par leur grappe.",
    )


def sons_sans_projet(lignes: list[dict], *, maximum: int) -> Tableau:
    return Tableau(
        slug="sons-sans-projet", titre="ESSMS avec une commande SONS mais sans projet ESMS numérique",
        colonnes=[Colonne("FINESS ET", TEXTE), Colonne("Établissement", TEXTE), Colonne("Région", TEXTE),
                  Colonne("Solution commandée", TEXTE), Colonne("Vague"), Colonne("Statut", TEXTE)],
        lignes=[[ligne["finess_et"], ligne["nom"], ligne["region"], ligne["solution"], ligne["vague"],
                 ligne["statut"]] for ligne in lignes],
        note=f"Candidats pour la bourse aux grappes : membres d'aucune grappe en cours ou retenue ({maximum} "
             "premiers au plus).",
    )
