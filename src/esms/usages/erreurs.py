"""Refusals of usage operations: aliases of the one refusal type (`esms.refus.Refus`) fixing their code."""

from __future__ import annotations

from esms.refus import Refus


class UsageRefuse(Refus):
    """An indicator report, an evidence file or a validation is refused; `messages` lists every reason."""


class PreuveInvalide(UsageRefuse):
    """An evidence file is refused (format, columns, dates, establishments, period, identifiers)."""

    code_par_defaut = "fichier_invalide"


class IdentifiantsDirects(PreuveInvalide):
    """The evidence file seems to hold direct identifiers (NIR, INS, names, birth dates)."""

    code_par_defaut = "identifiants_directs"
