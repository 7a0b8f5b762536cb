"""SONS « Prestation Ségur » and Ségur referencing derived from the register, per member.

- `deriver_referencement`: a member that names its register entry (`referencement_segur`) gets
  `solution_referencee_segur` derived for its sector at the parameters' date (never declared); one trace
  entry explains each member's referencing.
- `deriver_eligibilite_sons`: a member sent with `"sons_eligible": "derive"` gets its SONS eligibility from
  the waves' parameters and its order: eligible when a known order of a wave covering its sector was placed
  by the date, or when a wave covering its sector takes orders at that date; one trace entry explains each.
- `evaluer_sons`: a valid SONS order (placed in its wave's window, for a sector the wave covers) for a
  solution X excludes ESMS numérique funding of a different solution Y; the « usage » case requires a valid
  order of the project's solution, deployed by the wave's deadline.
- `exclure_prestation_segur`: with a valid order of the same solution, ESMS numérique funds only what the
  Prestation Ségur does not (the usage forfait, plus equipment): the acquisition or upgrade forfait is
  replaced and the funding detail says which part is excluded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from esms.rules.categories import SECTEUR_LIBELLES, classify
from esms.rules.decisions.financement import appliquer_part
from esms.rules.decisions.membre import MembreEvalue, normaliser_solution
from esms.rules.modeles import CommandeSonsInput, Financement, FinancementMembre, MembreInput, Motif
from esms.rules.parametres import Campagne, Parametre
from esms.rules.referencement import SOURCE_REFERENCEMENT, referencement_au
from esms.rules.sons import ParametresSons
from esms.rules.trace import euros, motif

UN = Decimal(1)
STATUTS = {"commande": "commandée", "deploye": "déployée", "paye": "payée au vendeur"}


class EtatSons(NamedTuple):
    valide: bool  # a Prestation Ségur order of its wave
    meme_solution: bool
    exclu: bool


def deriver_referencement(membres: Sequence[MembreInput], au: date) -> tuple[list[MembreInput], list[Motif]]:
    """Members with `solution_referencee_segur` derived from their register entry, and the trace entry."""
    derives: list[MembreInput] = []
    lignes: list[str] = []
    tous = True
    for membre in membres:
        solution = membre.solution_registre
        if solution is None:
            derives.append(membre)
            continue
        secteur = classify(membre.categorie).secteur
        resultat = referencement_au(solution, secteur, au)
        tous = tous and resultat.referencee
        lignes.append(f"{membre.finess_et} : {resultat.message}")
        type_ = ("segur_hospitalier" if solution.couloir == "hospitalier" else "segur") if resultat.referencee \
            else "aucun"
        derives.append(membre._replace(solution_referencee_segur=resultat.referencee, referencement=type_,
                                       date_referencement=solution.date_referencement))
    if not lignes:
        return derives, []
    message = f"Référencement Ségur établi d'après le registre au {au:%d/%m/%Y} (non déclaré) — " + " ; ".join(
        lignes[:10]) + (f" ; et {len(lignes) - 10} autre(s)." if len(lignes) > 10 else ".")
    return derives, [motif("grappe.referencement", tous, message, source=SOURCE_REFERENCEMENT, bloquant=False)]


def eligibilite_sons(categorie: str, commande: CommandeSonsInput | None, au: date,
                     sons: ParametresSons) -> tuple[bool, str]:
    """Whether an establishment of `categorie` is eligible to the SONS at `au`, and why (French)."""
    secteur = classify(categorie).secteur
    libelle = SECTEUR_LIBELLES.get(secteur, secteur)
    if commande is not None and commande.date_commande <= au:
        vague = sons.vagues.get(commande.vague)
        if vague is not None and secteur in vague.secteurs.valeur:
            return True, (f"commande SONS de la vague {commande.vague} du {commande.date_commande:%d/%m/%Y} "
                          f"(secteur « {libelle} » couvert)")
    couvrantes = [v for v in sorted(sons.vagues.values(), key=lambda v: v.numero) if secteur in v.secteurs.valeur]
    for vague in couvrantes:
        if vague.ouverture_commandes.valeur <= au <= vague.date_limite_commande.valeur:
            return True, (f"secteur « {libelle} » couvert par la vague {vague.numero}, ouverte aux commandes du "
                          f"{vague.ouverture_commandes.valeur:%d/%m/%Y} au {vague.date_limite_commande.valeur:%d/%m/%Y}")
    if not couvrantes:
        return False, f"secteur « {libelle} » couvert par aucune vague du SONS"
    fenetres = ", ".join(f"vague {v.numero} du {v.ouverture_commandes.valeur:%d/%m/%Y} au "
                         f"{v.date_limite_commande.valeur:%d/%m/%Y}" for v in couvrantes)
    return False, f"secteur « {libelle} » : aucune commande SONS connue et aucune vague ouverte à cette date ({fenetres})"


def deriver_eligibilite_sons(membres: Sequence[MembreInput], au: date,
                             sons: ParametresSons) -> tuple[list[MembreInput], list[Motif]]:
    """Members with `sons_eligible` derived (those sent with « derive »), and the trace entry explaining it."""
    derives: list[MembreInput] = []
    lignes: list[str] = []
    parametres: dict[str, Parametre[Any]] = {}
    for membre in membres:
        if not membre.sons_a_deriver:
            derives.append(membre)
            continue
        eligible, raison = eligibilite_sons(membre.categorie, membre.commande_sons, au, sons)
        lignes.append(f"{membre.finess_et} : {'éligible' if eligible else 'non éligible'} ({raison})")
        derives.append(membre._replace(sons_eligible=eligible))
        for vague in sons.vagues.values():
            parametres[f"v{vague.numero}o"] = vague.ouverture_commandes
            parametres[f"v{vague.numero}l"] = vague.date_limite_commande
            parametres[f"v{vague.numero}s"] = vague.secteurs
    if not lignes:
        return derives, []
    message = (f"Éligibilité au SONS établie d'après les vagues et les commandes connues au {au:%d/%m/%Y} (non "
               "déclarée) — " + " ; ".join(lignes[:10]) + (f" ; et {len(lignes) - 10} autre(s)." if len(lignes) > 10
                                                           else "."))
    return derives, [motif("membre.sons_eligibilite", True, message, list(parametres.values()), bloquant=False)]


def evaluer_sons(evalue: MembreEvalue, au: date, sons: ParametresSons) -> tuple[EtatSons | None, list[Motif]]:
    membre = evalue.membre
    if not membre.sons_connu and membre.commande_sons is None:
        return None, []
    et, cas, commande = membre.finess_et, membre.cas, membre.commande_sons
    usage_exige = sons.usage_exige_commande_sons
    motifs: list[Motif] = []
    if commande is None or commande.date_commande > au:
        if cas == "usage" and usage_exige.valeur:
            pourquoi = ("aucune commande SONS connue pour cet ESSMS" if commande is None else
                        f"la commande SONS du {commande.date_commande:%d/%m/%Y} est postérieure au {au:%d/%m/%Y}")
            motifs.append(motif("membre.sons_usage", False,
                                f"Cas « usage » (DUI existant mis à niveau par le SONS) : {pourquoi} ; ce cas suppose "
                                f"une commande SONS de la solution du projet (« {membre.solution_dui} »).",
                                [usage_exige], finess_et=et, bloquant=False))
        return EtatSons(False, False, bool(motifs)), motifs

    vague = sons.vagues[commande.vague]
    secteur = evalue.categorie.secteur
    parametres = [vague.ouverture_commandes, vague.date_limite_commande, vague.secteurs]
    quoi = (f"Commande SONS (vague {commande.vague}, du {commande.date_commande:%d/%m/%Y}, "
            f"{STATUTS.get(commande.statut, commande.statut)}) pour « {commande.solution} »")
    problemes = []
    if not vague.ouverture_commandes.valeur <= commande.date_commande <= vague.date_limite_commande.valeur:
        problemes.append(f"passée hors de la fenêtre de commande de la vague {commande.vague} (du "
                         f"{vague.ouverture_commandes.valeur:%d/%m/%Y} au {vague.date_limite_commande.valeur:%d/%m/%Y})")
    if secteur not in vague.secteurs.valeur:
        problemes.append(f"le secteur {classify(membre.categorie).secteur} n'est pas couvert par la vague "
                         f"{commande.vague}")
    valide = not problemes
    meme = normaliser_solution(commande.solution) == normaliser_solution(membre.solution_dui)
    exclu = False
    if not valide:
        motifs.append(motif("membre.sons", True, f"{quoi} : {' ; '.join(problemes)} — elle ne vaut pas Prestation "
                            "Ségur de cette vague et n'exclut aucun financement.", parametres, finess_et=et,
                            bloquant=False))
    elif not meme and sons.exclusion_autre_solution.valeur:
        exclu = True
        motifs.append(motif("membre.sons_exclusion", False,
                            f"{quoi} : le financement ESMS numérique d'une autre solution (« {membre.solution_dui} ») "
                            "est exclu pour cet ESSMS (une commande SONS pour un DUI X exclut ESMS numérique pour un "
                            "DUI Y différent).", [*parametres, sons.exclusion_autre_solution], finess_et=et,
                            bloquant=False))
    else:
        motifs.append(motif("membre.sons", True, f"{quoi} : même solution que le projet, le financement ESMS "
                            "numérique reste possible sans payer ce que couvre la Prestation Ségur.", parametres,
                            finess_et=et, bloquant=False))

    if cas == "usage" and usage_exige.valeur and not exclu:
        limite = vague.date_limite_deploiement
        raison = None
        if not valide:
            raison = "la commande SONS ne vaut pas Prestation Ségur de sa vague"
        elif commande.date_deploiement is not None and commande.date_deploiement > limite.valeur:
            raison = (f"déploiement le {commande.date_deploiement:%d/%m/%Y}, après la date limite de la vague "
                      f"{commande.vague} ({limite.valeur:%d/%m/%Y})")
        elif commande.date_deploiement is None and au > limite.valeur:
            raison = (f"non déployée au {au:%d/%m/%Y}, date limite de déploiement de la vague {commande.vague} "
                      f"dépassée ({limite.valeur:%d/%m/%Y})")
        if raison:
            exclu = True
            motifs.append(motif("membre.sons_usage", False, f"Cas « usage » : {raison} ; ce cas suppose la solution "
                                "de la commande SONS, déployée dans les délais.", [usage_exige, limite],
                                finess_et=et, bloquant=False))
        else:
            motifs.append(motif("membre.sons_usage", True, f"Cas « usage » : la commande SONS porte sur la solution "
                                f"du projet (déploiement attendu au plus tard le {limite.valeur:%d/%m/%Y}).",
                                [usage_exige, limite], finess_et=et, bloquant=False))
    return EtatSons(valide, meme, exclu), motifs


def exclure_prestation_segur(financement: Financement, evalues: Sequence[MembreEvalue],
                             etats: Sequence[EtatSons | None], campagne: Campagne, sons: ParametresSons,
                             dossier_eligible: bool) -> tuple[Financement, list[Motif]]:
    """Replace, for members with a valid SONS order of the same solution, the forfait that would pay for
    what the Prestation Ségur covers; the detail of each such member says the part excluded."""
    fin = campagne.financement
    usage = fin.forfaits.usage
    lignes = list(financement.par_membre)
    exclu_total = 0
    resume: list[str] = []
    for rang, (evalue, etat) in enumerate(zip(evalues, etats, strict=True)):
        ligne = lignes[rang]
        if etat is None or not (etat.valide and etat.meme_solution) or "forfait" not in ligne.detail:
            continue
        detail = dict(ligne.detail)
        membre = evalue.membre
        if membre.cas == sons.forfait_finance.valeur:
            detail["prestation_segur"] = {"montant_exclu": 0, "couvre": list(sons.couvre.valeur)}
            resume.append(f"{membre.finess_et} : rien à exclure (forfait « {membre.cas} »)")
            lignes[rang] = FinancementMembre(ligne.finess_et, ligne.montant, MappingProxyType(detail))
            continue
        part = membre.part_heures_eligibles if evalue.aide_a_domicile and fin.prorata_domicile.valeur else UN
        forfait_usage = usage.valeur or 0
        nouveau = appliquer_part(forfait_usage + detail["equipement"], part, fin.arrondi.valeur)
        avant = detail["montant_si_eligible"]
        exclu = max(avant - nouveau, 0)
        exclu_total += exclu
        detail.update({"forfait": forfait_usage, "cas_finance": sons.forfait_finance.valeur,
                       "montant_si_eligible": avant - exclu,
                       "prestation_segur": {"forfait_exclu": membre.cas, "montant_exclu": exclu,
                                            "couvre": list(sons.couvre.valeur)}})
        resume.append(f"{membre.finess_et} : forfait « {membre.cas} » remplacé par le forfait « usage », "
                      f"{euros(exclu)} exclus")
        lignes[rang] = FinancementMembre(ligne.finess_et, ligne.montant - exclu if dossier_eligible else 0,
                                         MappingProxyType(detail))
    if not resume:
        return financement, []
    nouveau_financement = Financement(
        total=financement.total - (exclu_total if dossier_eligible else 0),
        total_si_eligible=financement.total_si_eligible - exclu_total,
        par_membre=tuple(lignes), projet=financement.projet)
    message = (f"Prestation Ségur (SONS) : aucun montant ESMS numérique ne paie ce qu'elle couvre "
               f"({', '.join(sons.couvre.valeur)}) — {' ; '.join(resume[:10])}"
               + (f" ; et {len(resume) - 10} autre(s)" if len(resume) > 10 else "")
               + f". Total exclu : {euros(exclu_total)}.")
    return nouveau_financement, [motif("financement.prestation_segur", True, message,
                                       [sons.couvre, sons.forfait_finance, usage], bloquant=False)]
