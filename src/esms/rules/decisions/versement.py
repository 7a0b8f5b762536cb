"""Which payment is due on a signed convention: advance, balance or nothing.

- no signed convention → nothing;
- advance = arrondi(montant_convention × part_avance), due as long as it has not been fully paid;
- balance, once usage targets are reported: all targets met → the rest of the convention amount;
  partly met → nothing (`solde_atteinte_partielle` = "aucun") or the balance pro-rated on the share of
  funded ESSMS that met their targets ("prorata", floor); targets not reported yet → nothing;
- what was already paid is deducted; a payment due is never negative; `trop_percu` reports any amount
  paid beyond the convention (clawback rules are not documented).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from esms.rules.modeles import AtteinteUsage, Verdict, VersementDu, VersementInput
from esms.rules.parametres import Campagne
from esms.rules.trace import euros, motif


def calculer_versement(
    versement: VersementInput, atteinte: AtteinteUsage | None, campagne: Campagne
) -> Verdict[VersementDu]:
    params = campagne.versement
    parametres = [params.part_avance, params.solde_atteinte_partielle]
    convention, deja = versement.montant_convention, versement.deja_verse
    avance = int((Decimal(convention) * params.part_avance.valeur).to_integral_value(ROUND_FLOOR))
    trop_percu = max(0, deja - convention)

    def resultat(etape: str, droits: int, message: str) -> Verdict[VersementDu]:
        du = max(0, droits - deja)
        valeur = VersementDu(etape if du > 0 else "aucun", du, convention, deja, avance, droits, trop_percu)
        if trop_percu:
            message += f" Trop-perçu de {euros(trop_percu)} au regard de la convention."
        return Verdict(True, valeur, (motif("versement.etape", True, message, parametres, bloquant=False),))

    if not versement.convention_signee:
        return resultat("aucun", 0, "Convention non signée : aucun versement.")
    if deja < avance:
        return resultat(
            "avance",
            avance,
            f"Avance due à la signature de la convention : {euros(avance)} (déjà versé : {euros(deja)}).",
        )
    if atteinte is None:
        return resultat(
            "aucun", avance, "Avance versée ; le solde attend la justification des cibles d'usage."
        )
    solde = convention - avance
    if atteinte.cibles_atteintes:
        return resultat(
            "solde",
            convention,
            f"Cibles d'usage atteintes : solde de {euros(solde)} dû (déjà versé : {euros(deja)}).",
        )
    if params.solde_atteinte_partielle.valeur == "prorata" and atteinte.nb_membres:
        part = solde * atteinte.nb_membres_atteints // atteinte.nb_membres
        message = (
            f"Cibles atteintes par {atteinte.nb_membres_atteints} ESSMS sur {atteinte.nb_membres} : "
            f"solde proratisé à {euros(part)} sur {euros(solde)}."
        )
        return resultat("solde", avance + part, message)
    message = (
        f"Cibles d'usage atteintes par {atteinte.nb_membres_atteints} ESSMS sur {atteinte.nb_membres} seulement : "
        "pas de solde tant que toutes les cibles ne sont pas atteintes."
    )
    return resultat("aucun", avance, message)
