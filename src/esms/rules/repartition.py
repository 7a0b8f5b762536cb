"""Splitting an amount in whole euros: regional envelopes pro rata of the number of ESSMS, a retained
amount between the members of a grappe. Largest remainders, so that the parts add up exactly."""

from __future__ import annotations

from collections.abc import Mapping

from esms.rules.parametres import Campagne


def repartir_prorata(total: int, poids: Mapping[str, int]) -> dict[str, int]:
    """Split `total` euros between keys in proportion to their non-negative integer weights.

    The parts are whole euros and add up to `total` exactly (largest remainder method; ties broken by
    key so that the result is deterministic). All weights zero → all parts zero.
    """
    if total < 0 or any(p < 0 for p in poids.values()):
        raise ValueError("montant et poids doivent être positifs ou nuls")
    somme = sum(poids.values())
    if somme == 0:
        return {cle: 0 for cle in poids}
    parts = {cle: total * p // somme for cle, p in poids.items()}
    reste = total - sum(parts.values())
    ordre = sorted(poids, key=lambda cle: (-(total * poids[cle] % somme), cle))
    for cle in ordre[:reste]:
        parts[cle] += 1
    return parts


def enveloppes_regionales(campagne: Campagne, nb_essms_par_region: Mapping[str, int]) -> dict[str, int]:
    """Each region's envelope: the amount published for it when known (`enveloppes.par_region`), else its
    share of the rest of the regional total pro rata of its number of ESSMS (the 2025 allocation rule)."""
    connus = dict(campagne.enveloppes.par_region.valeur)
    total = campagne.enveloppes.regional.valeur or 0
    reste = max(total - sum(v for r, v in connus.items() if r in nb_essms_par_region), 0)
    autres = {r: n for r, n in nb_essms_par_region.items() if r not in connus}
    return {**{r: v for r, v in connus.items() if r in nb_essms_par_region}, **repartir_prorata(reste, autres)}
