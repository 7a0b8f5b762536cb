"""Demo register of Ségur-referenced DUI solutions and SONS orders, loaded through the import services
(fictitious vendors and SIREN numbers), and the demo vendor's API account linked to its solutions."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from esms.comptes.models import User
from esms.referencement import services
from esms.referencement.models import CommandeSons, Editeur, Solution

ENTETE = ["Éditeur", "SIREN", "Solution", "Version", "Couloir", "Vague", "Secteurs", "Date de référencement",
          "Statut", "Date de retrait"]
# The demo's solutions cover every sector (real referencing lists are narrower), so that any demo grappe is valid.
TOUS = "Personnes âgées; Handicap; Domicile; Protection de l'enfance; Difficultés spécifiques; AHI; PJM"
REGISTRE = [
    ["Atlas Informatique (démo)", "900000001", "Solution DUI Atlas", "5.1", "médico-social", "1", TOUS, "15/06/2022", "", ""],
    ["Boréal Logiciels (démo)", "900000019", "Solution DUI Boréal", "2023", "médico-social", "1", TOUS, "20/09/2022", "", ""],
    ["Cassiopée Santé (démo)", "900000027", "Solution DUI Cassiopée", "3", "médico-social", "1", TOUS, "05/01/2023", "", ""],
    ["Atlas Informatique (démo)", "900000001", "Solution DUI Atlas", "6.0", "médico-social", "2", TOUS + "; AHI",
     "10/03/2025", "", ""],
    ["Delta Social (démo)", "900000035", "Delta Accueil", "1.2", "médico-social", "2", "AHI; PJM", "02/04/2025", "", ""],
    ["Epsilon Hôpital (démo)", "900000043", "Epsilon DPI", "12", "hospitalier", "1", "Personnes âgées", "01/12/2022", "",
     ""],
    ["Boréal Logiciels (démo)", "900000019", "Solution DUI Boréal", "2021", "médico-social", "1", "Personnes âgées",
     "01/02/2022", "Retirée", "30/06/2023"],
]
ENTETE_COMMANDES = ["FINESS ET", "SIREN", "Solution", "Version", "Vague", "Date de commande", "Date de déploiement",
                    "Statut"]


def _fichier(nom: str, entete: list[str], lignes: list[list[str]]) -> SimpleUploadedFile:
    tampon = io.StringIO()
    csv.writer(tampon, delimiter=";", lineterminator="\n").writerows([entete, *lignes])
    return SimpleUploadedFile(nom, tampon.getvalue().encode("utf-8"))


def charger_registre(admin: User) -> None:
    if Solution.objects.exists():
        return
    services.importer_registre(actor=admin, fichier=_fichier("registre-demo.csv", ENTETE, REGISTRE),
                               nom="registre-demo.csv")
    editeur = User.objects.filter(username="editeur.demo").first()
    if editeur is not None:
        services.lier_compte(actor=admin, editeur=Editeur.objects.get(siren="900000001"), compte=editeur)


def solution(nom: str) -> Solution:
    """The demo grappes' solution of that name (its vague 1 version)."""
    return Solution.objects.filter(nom=nom, vague=1, statut="referencee").order_by("-date_referencement")[0]


def _ligne(finess: str, solution: Solution, commande: date, deploiement: date | None, statut: str) -> list[str]:
    return [finess, solution.editeur.siren, solution.nom, solution.version, str(solution.vague),
            commande.isoformat(), deploiement.isoformat() if deploiement else "", statut]


def charger_commandes(admin: User, *, grappes, hors_grappe: list[str], conflit: str | None,
                      editeur_ets: list[str], eligibles_vague_1: set[str]) -> None:
    """SONS orders: some members of each grappe for the grappe's own solution (deployed in 2024), one member
    of the demo draft for another solution (refused by the rules), establishments without an ESMS numérique
    project (candidates for the bourse aux grappes), and the demo vendor's establishments (ordered, not yet
    deployed: the vendor pushes the deployment through the API)."""
    if CommandeSons.objects.exists():
        return
    atlas, boreal = solution("Solution DUI Atlas"), solution("Solution DUI Boréal")
    lignes: list[list[str]] = []
    vus: set[str] = set()
    for rang, (grappe, membres) in enumerate(grappes):
        if grappe.solution is None:
            continue
        for i, finess in enumerate(membres[::4]):
            if finess in vus or finess == conflit or finess in editeur_ets or finess not in eligibles_vague_1:
                continue
            vus.add(finess)
            commande = date(2023, 6, 1) + timedelta(days=7 * (rang + i))
            lignes.append(_ligne(finess, grappe.solution, commande, commande + timedelta(days=120), "deploye"
                                 if i % 2 else "paye"))
    if conflit and conflit in eligibles_vague_1:
        lignes.append(_ligne(conflit, boreal, date(2023, 10, 2), date(2024, 3, 4), "deploye"))
        vus.add(conflit)
    for i, finess in enumerate(f for f in hors_grappe if f not in vus):
        sol = atlas if i % 3 else boreal
        commande = date(2023, 3, 1) + timedelta(days=11 * i)
        lignes.append(_ligne(finess, sol, commande, commande + timedelta(days=150) if i % 2 else None,
                             "deploye" if i % 2 else "commande"))
    solution_de = {finess: grappe.solution for grappe, membres in grappes for finess in membres if grappe.solution}
    editeurs = set()
    for finess in editeur_ets:
        if finess not in vus and finess in eligibles_vague_1:
            sol = solution_de.get(finess) or atlas
            editeurs.add(sol.editeur)
            lignes.append(_ligne(finess, sol, date(2024, 1, 15), None, "commande"))
    if lignes:
        services.importer_commandes(actor=admin, fichier=_fichier("commandes-sons-demo.csv", ENTETE_COMMANDES,
                                                                  lignes), nom="commandes-sons-demo.csv")
    compte = User.objects.filter(username="editeur.demo").first()
    if compte is None:
        return
    for editeur in editeurs:
        if not editeur.comptes.filter(pk=compte.pk).exists():
            services.lier_compte(actor=admin, editeur=editeur, compte=compte)
