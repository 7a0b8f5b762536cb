"""A campaign's programme budget as published, reconciled with the envelopes actually set.

The published total of the programme (`enveloppes.total`) is the sum of the credits delegated to the
ARS (`enveloppes.regional`), the national call's envelope (`enveloppes.appel_national`) and the
management fees of the Caisse des dépôts (`enveloppes.frais_gestion`); lines published beside the
programme (`enveloppes.lignes_hors_programme`: SONS, innovation, ressources Ségur) are not part of it.
`rapprocher` compares the envelopes set on the platform (the sum of the ARS envelopes and the national
one) plus the fees with the published total, and says the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from esms.rules.modeles import Verdict
from esms.rules.parametres import Campagne
from esms.rules.trace import euros, motif


@dataclass(frozen=True, slots=True)
class Rapprochement:
    total_publie: int | None
    regional_publie: int | None
    national_publie: int | None
    frais_gestion: int
    enveloppes_ars: int
    enveloppe_nationale: int
    total_plateforme: int
    ecart: int | None  # total_plateforme − total_publie
    ecart_regional: int | None
    ecart_national: int | None
    lignes_hors_programme: dict[str, int]


def rapprocher(campagne: Campagne, *, enveloppes_ars: int, enveloppe_nationale: int) -> Verdict[Rapprochement]:
    """Reconcile the envelopes set on the platform with the published budget lines of the campaign."""
    env = campagne.enveloppes
    frais = env.frais_gestion.valeur or 0
    total = enveloppes_ars + enveloppe_nationale + frais
    publie = env.total.valeur
    ecart = None if publie is None else total - publie
    ecart_regional = None if env.regional.valeur is None else enveloppes_ars - env.regional.valeur
    ecart_national = None if env.appel_national.valeur is None else enveloppe_nationale - env.appel_national.valeur
    resultat = Rapprochement(
        publie,
        env.regional.valeur,
        env.appel_national.valeur,
        frais,
        enveloppes_ars,
        enveloppe_nationale,
        total,
        ecart,
        ecart_regional,
        ecart_national,
        dict(env.lignes_hors_programme.valeur),
    )
    ok = ecart == 0
    if publie is None:
        message = f"Total publié inconnu pour la campagne {campagne.code} : enveloppes saisies {euros(total)}."
    elif ok:
        message = (
            f"Enveloppes ARS {euros(enveloppes_ars)} + enveloppe nationale {euros(enveloppe_nationale)} + frais de "
            f"gestion {euros(frais)} = total publié {euros(publie)}."
        )
    else:
        sens = "au-dessus" if ecart and ecart > 0 else "en dessous"
        message = (
            f"Enveloppes ARS {euros(enveloppes_ars)} + enveloppe nationale {euros(enveloppe_nationale)} + frais de "
            f"gestion {euros(frais)} = {euros(total)}, {euros(abs(ecart or 0))} {sens} du total publié {euros(publie)}."
        )
    parametres = [env.total, env.regional, env.appel_national, env.frais_gestion, env.lignes_hors_programme]
    return Verdict(ok, resultat, (motif("budget.rapprochement", ok, message, parametres, bloquant=False),))
