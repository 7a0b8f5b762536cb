"""Refusals of the séances de sélection: aliases of the one refusal type fixing their stable code."""

from __future__ import annotations

from esms.financement.erreurs import EnveloppeInsuffisante
from esms.refus import Refus


class SeanceRefusee(Refus):
    """A séance cannot be created, changed or closed as asked."""

    code_par_defaut = "refus_metier"


__all__ = ["EnveloppeInsuffisante", "SeanceRefusee"]
