"""Reading a file of SONS purchase orders (CSV or XLSX), with every error located by file, line and column.
The columns are documented in docs/referencement.md."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from esms.referencement.dates import lire_date
from esms.referencement.erreurs import ImportRefuse
from esms.referencement.lecture_registre import lire_vague
from esms.referencement.siren import erreur_siren, normaliser_siren
from esms.referencement.tableur import MAX_ERREURS, cle_colonne, lire_tableur
from esms.rules.finess import erreur_numero_finess

COLONNES: dict[str, tuple[str, ...]] = {
    "finess_et": ("finess_et", "finess", "finess géographique", "n° finess et"),
    "siren": ("siren", "siren de l'éditeur"),
    "solution": ("solution", "nom de la solution"),
    "version": ("version", "version de la solution"),
    "vague": ("vague",),
    "date_commande": ("date de commande", "date_commande", "date du bon de commande"),
    "date_deploiement": ("date de déploiement", "date_deploiement", "date de vérification du service régulier"),
    "statut": ("statut", "statut de la commande"),
}
OBLIGATOIRES = ("finess_et", "siren", "solution", "version", "vague", "date_commande", "statut")
ALIAS = {cle_colonne(orthographe): cle for cle, orthographes in COLONNES.items() for orthographe in orthographes}
STATUTS = {"commande": "commande", "commandee": "commande", "deploye": "deploye", "deployee": "deploye",
           "paye": "paye", "payee": "paye", "paye au vendeur": "paye", "payee au vendeur": "paye"}
ORDRE_STATUTS = {"commande": 0, "deploye": 1, "paye": 2}


@dataclass(frozen=True)
class LigneCommande:
    ligne: int
    finess_et: str
    solution_id: int
    vague: int
    date_commande: date
    date_deploiement: date | None
    statut: str


def lire_statut(brut: str) -> str | None:
    return STATUTS.get(cle_colonne(brut).replace("_", " "))


def erreurs_coherence(statut: str, date_commande: date, date_deploiement: date | None) -> list[tuple[str, str]]:
    """(column, message) of an inconsistent order: deployment before the order, deployed without its date."""
    erreurs = []
    if date_deploiement is not None and date_deploiement < date_commande:
        erreurs.append(("date_deploiement", "date de déploiement antérieure à la date de commande"))
    if statut in ("deploye", "paye") and date_deploiement is None:
        erreurs.append(("date_deploiement", "date de déploiement manquante pour une commande déployée ou payée"))
    return erreurs


def lire_commandes(fichier, nom: str, *, connus: Callable[[set[str]], set[str]],
                   solutions: Mapping[tuple[str, str, str], int]) -> list[LigneCommande]:
    """Every order of the file, or ImportRefuse. `connus(finess)`: those of the référentiel (one query for
    the whole file); `solutions`: (SIREN, solution, version in lower case) → register id."""
    tableau = lire_tableur(fichier, nom, ALIAS, OBLIGATOIRES)
    erreurs: list[tuple[int, str]] = []
    cites: dict[str, int] = {}
    lignes: list[LigneCommande] = []
    vues: dict[tuple[str, int], int] = {}
    for numero, brute in tableau.lignes:
        c = tableau.cellules(brute)
        avant = len(erreurs)

        def erreur(colonne: str, message: str, numero: int = numero) -> None:
            erreurs.append((numero, f"{tableau.lieu(numero, colonne)} : {message}."))

        finess = c["finess_et"].upper()
        if len(finess) == 8 and finess.isdigit():
            finess = "0" + finess  # a spreadsheet dropped the leading zero
        probleme = erreur_numero_finess(finess) if finess else "FINESS manquant"
        if probleme:
            erreur("finess_et", probleme)
        else:
            cites.setdefault(finess, numero)
        siren = normaliser_siren(c["siren"])
        solution_id = None
        if erreur_siren(c["siren"]):
            erreur("siren", erreur_siren(c["siren"]) or "")
        else:
            solution_id = solutions.get((siren, c["solution"].casefold(), c["version"].casefold()))
            if solution_id is None:
                erreur("solution", f"solution « {c['solution']} {c['version']} » de l'éditeur {siren} absente du "
                                   "registre des solutions référencées")
        vague = lire_vague(c["vague"])
        if vague is None:
            erreur("vague", f"vague « {c['vague']} » inconnue (attendu : 1 ou 2)")
        statut = lire_statut(c["statut"])
        if statut is None:
            erreur("statut", f"statut « {c['statut']} » inconnu (attendu : commandé, déployé, payé au vendeur)")
        date_commande = date_deploiement = None
        try:
            date_commande = lire_date(c["date_commande"])
        except ValueError:
            erreur("date_commande", f"date « {c['date_commande']} » invalide (JJ/MM/AAAA attendu)")
        if c.get("date_deploiement"):
            try:
                date_deploiement = lire_date(c["date_deploiement"])
            except ValueError:
                erreur("date_deploiement", f"date « {c['date_deploiement']} » invalide (JJ/MM/AAAA attendu)")
        if date_commande and statut and len(erreurs) == avant:
            for colonne, message in erreurs_coherence(statut, date_commande, date_deploiement):
                if colonne in tableau.entete:
                    erreur(colonne, message)
                else:
                    erreur("statut", message)
        if len(erreurs) == avant:
            cle = (finess, vague or 0)
            if cle in vues:
                erreur("finess_et", f"commande de la vague {vague} pour {finess} déjà présente ligne {vues[cle]} "
                                    "(doublon)")
            else:
                vues[cle] = numero
                lignes.append(LigneCommande(numero, finess, solution_id or 0, vague or 0,
                                            date_commande, date_deploiement, statut or ""))  # type: ignore[arg-type]
        if len(erreurs) >= MAX_ERREURS:
            erreurs.append((numero + 1, f"{tableau.nom} : trop d'erreurs, lecture arrêtée ligne {numero}."))
            break
    inconnus = set(cites) - connus(set(cites))
    if inconnus:
        erreurs += [(cites[f], f"{tableau.lieu(cites[f], 'finess_et')} : établissement {f} inconnu du "
                                "référentiel FINESS.") for f in inconnus]
    if erreurs:
        raise ImportRefuse([message for _, message in sorted(erreurs, key=lambda e: e[0])])
    return lignes
