"""Financial refusals: aliases of the one refusal type (`esms.refus.Refus`) fixing their stable code."""

from __future__ import annotations

from esms.refus import Refus


class EnveloppeInsuffisante(Refus):
    """A commitment would take the envelope below zero."""

    code_par_defaut = "enveloppe_insuffisante"


class EnveloppeIntrouvable(Refus):
    """No envelope exists for the dossier's campagne and lead region."""

    code_par_defaut = "enveloppe_introuvable"


class LiberationRefusee(Refus):
    """A release of a dossier's commitment is refused (no reason given, nothing left to release)."""

    code_par_defaut = "refus_metier"


class ConventionIntrouvable(Refus):
    """The dossier has no convention (it is not retained)."""
