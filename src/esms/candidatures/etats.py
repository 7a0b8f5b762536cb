"""The states of a dossier."""

from django.db import models


class Etat(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    COMPLEMENT_DEMANDE = "complement_demande", "Complément demandé"
    RETENU = "retenu", "Retenu"
    NON_RETENU = "non_retenu", "Non retenu"
    SANS_SUITE = "sans_suite", "Sans suite"
    CONVENTIONNE = "conventionne", "Conventionné"
    EN_SUIVI_USAGE = "en_suivi_usage", "En suivi d'usage"
    SOLDE = "solde", "Soldé"
    CLOS = "clos", "Clos"


# States in which the porteur may still change the grappe (a filed dossier is frozen except on request).
ETATS_MODIFIABLES = frozenset({Etat.BROUILLON, Etat.COMPLEMENT_DEMANDE})
ETATS_A_INSTRUIRE = frozenset({Etat.DEPOSE, Etat.EN_INSTRUCTION, Etat.COMPLEMENT_DEMANDE})
