"""Financial refusals, with French messages."""


class EnveloppeInsuffisante(Exception):
    """A commitment would take the envelope below zero."""


class EnveloppeIntrouvable(Exception):
    """No envelope exists for the dossier's campagne and lead region."""
