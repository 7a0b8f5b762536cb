"""The states of a dossier and every group of states the code uses (one place: beside the states)."""

from django.db import models


class Etat(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    COMPLEMENT_DEMANDE = "complement_demande", "Complément demandé"
    RETENU = "retenu", "Retenu"
    NON_RETENU = "non_retenu", "Non retenu"
    SANS_SUITE = "sans_suite", "Sans suite"
    RETIRE = "retire", "Retiré par le porteur"
    CONVENTIONNE = "conventionne", "Conventionné"
    EN_SUIVI_USAGE = "en_suivi_usage", "En suivi d'usage"
    SOLDE = "solde", "Soldé"
    CLOS = "clos", "Clos"


# States in which the porteur may still change the grappe (a filed dossier is frozen except on request).
ETATS_MODIFIABLES = frozenset({Etat.BROUILLON, Etat.COMPLEMENT_DEMANDE})
ETATS_A_INSTRUIRE = frozenset({Etat.DEPOSE, Etat.EN_INSTRUCTION, Etat.COMPLEMENT_DEMANDE})
# No transition leaves these states (checked against the workflow table by its tests).
ETATS_FINAUX = frozenset({Etat.CLOS})
# A dossier in these states holds its establishments (another dossier may not take them).
ETATS_ENGAGEANTS = frozenset(Etat) - {Etat.BROUILLON, Etat.NON_RETENU, Etat.SANS_SUITE, Etat.RETIRE}
# The porteur may withdraw a filed dossier until the ARS decides on it.
ETATS_RETIRABLES = frozenset({Etat.DEPOSE, Etat.EN_INSTRUCTION, Etat.COMPLEMENT_DEMANDE})
# Retained and still open, in this order (the dashboards' « dossiers retenus » add the closed ones below).
ETATS_RETENUS = (Etat.RETENU, Etat.CONVENTIONNE, Etat.EN_SUIVI_USAGE, Etat.SOLDE)
# Funded (the dashboards' « dossiers retenus », the demo generator's funded dossiers): retained whatever came next,
# closing included. A closed dossier counts only with its `montant_retenu` (closed after its balance); one closed
# after a refusal, a « sans suite » or a withdrawal has none (pilotage.selectors.q_retenu).
ETATS_FINANCES = frozenset({*ETATS_RETENUS, Etat.CLOS})
# A convention was signed, whatever came next; the usage follow-up was reached, whatever came next.
ETATS_CONVENTIONNES = frozenset({Etat.CONVENTIONNE, Etat.EN_SUIVI_USAGE, Etat.SOLDE, Etat.CLOS})
ETATS_SUIVIS = frozenset({Etat.EN_SUIVI_USAGE, Etat.SOLDE, Etat.CLOS})
# Usage indicators and evidence are declared once the convention is signed; the ARS validates them in follow-up.
ETATS_DECLARATION = frozenset({Etat.CONVENTIONNE, Etat.EN_SUIVI_USAGE, Etat.SOLDE})
ETATS_VALIDATION = frozenset({Etat.EN_SUIVI_USAGE, Etat.SOLDE})
# Ready to be decided: the states the retain and refuse transitions leave (a séance de sélection's agenda).
ETATS_A_DECIDER = frozenset({Etat.EN_INSTRUCTION})
