"""The dossier workflow as one explicit transition table, with its guards.

Each transition names the states it leaves, the state it reaches, the permission action the actor
needs (checked by the permission layer, scope included), whether only the lead region (or the
national administrator) may perform it, whether a comment is required, and who is notified.
Services perform the side effects (envelope commitment, convention…); this module only decides
whether a transition is allowed and explains why not, in French.
"""

from __future__ import annotations

from dataclasses import dataclass

from esms.candidatures.etats import Etat
from esms.comptes.permissions import decide
from esms.refus import Refus, hors_perimetre, non_habilite


class TransitionInterdite(Refus):
    """The dossier is not in a state that allows this transition."""

    code_par_defaut = "transition_interdite"


@dataclass(frozen=True)
class TransitionDef:
    nom: str
    libelle: str
    depuis: frozenset[Etat]
    vers: Etat
    action: str
    pilote_seulement: bool = False
    commentaire_obligatoire: bool = False
    notifier: tuple[str, ...] = ()  # "porteur", "instructeurs"


E = Etat
TRANSITIONS: dict[str, TransitionDef] = {t.nom: t for t in [
    TransitionDef("deposer", "Déposer le dossier", frozenset({E.BROUILLON}), E.DEPOSE,
                  "candidatures.deposer", notifier=("instructeurs", "porteur")),
    TransitionDef("ouvrir_instruction", "Passer en instruction", frozenset({E.DEPOSE}), E.EN_INSTRUCTION,
                  "candidatures.instruire", notifier=("porteur",)),
    TransitionDef("demander_complement", "Demander un complément", frozenset({E.EN_INSTRUCTION}),
                  E.COMPLEMENT_DEMANDE, "candidatures.instruire", commentaire_obligatoire=True,
                  notifier=("porteur",)),
    TransitionDef("repondre_complement", "Renvoyer le dossier complété", frozenset({E.COMPLEMENT_DEMANDE}),
                  E.EN_INSTRUCTION, "candidatures.deposer", notifier=("instructeurs",)),
    TransitionDef("retenir", "Retenir", frozenset({E.EN_INSTRUCTION}), E.RETENU,
                  "candidatures.decider", pilote_seulement=True, notifier=("porteur", "instructeurs")),
    TransitionDef("ne_pas_retenir", "Ne pas retenir", frozenset({E.EN_INSTRUCTION}), E.NON_RETENU,
                  "candidatures.decider", pilote_seulement=True, commentaire_obligatoire=True,
                  notifier=("porteur", "instructeurs")),
    TransitionDef("classer_sans_suite", "Classer sans suite",
                  frozenset({E.DEPOSE, E.EN_INSTRUCTION, E.COMPLEMENT_DEMANDE}), E.SANS_SUITE,
                  "candidatures.decider", pilote_seulement=True, commentaire_obligatoire=True,
                  notifier=("porteur", "instructeurs")),
    TransitionDef("signer_convention", "Enregistrer la convention signée", frozenset({E.RETENU}),
                  E.CONVENTIONNE, "candidatures.conventionner", pilote_seulement=True,
                  notifier=("porteur",)),
    TransitionDef("ouvrir_suivi_usage", "Ouvrir le suivi d'usage", frozenset({E.CONVENTIONNE}),
                  E.EN_SUIVI_USAGE, "candidatures.conventionner", pilote_seulement=True,
                  notifier=("porteur",)),
    TransitionDef("solder", "Solder", frozenset({E.EN_SUIVI_USAGE}), E.SOLDE,
                  "candidatures.conventionner", pilote_seulement=True, notifier=("porteur",)),
    TransitionDef("clore", "Clore", frozenset({E.SOLDE, E.NON_RETENU, E.SANS_SUITE}), E.CLOS,
                  "candidatures.decider", pilote_seulement=True),
]}


def verifier(user, dossier, nom: str, commentaire: str = "") -> TransitionDef:
    """Return the transition if `user` may apply it to `dossier` now; else raise with a French reason."""
    transition = TRANSITIONS.get(nom)
    if transition is None:
        raise TransitionInterdite(f"Transition inconnue : {nom}.")
    if not decide(user, transition.action, dossier):
        raise non_habilite(f"Vous n'êtes pas habilité à « {transition.libelle.lower()} » pour ce dossier.")
    if transition.pilote_seulement and not decide(user, "candidatures.piloter", dossier):
        raise hors_perimetre(
            f"Seule la région pilote ({dossier.region_pilote or 'national'}) ou l'administration nationale "
            f"peut « {transition.libelle.lower()} » ce dossier."
        )
    if dossier.etat not in transition.depuis:
        etats = ", ".join(Etat(e).label.lower() for e in sorted(transition.depuis))
        raise TransitionInterdite(
            f"Impossible de « {transition.libelle.lower()} » : le dossier est « {Etat(dossier.etat).label.lower()} »"
            f" (attendu : {etats})."
        )
    if transition.commentaire_obligatoire and not commentaire.strip():
        raise TransitionInterdite(f"Un commentaire est obligatoire pour « {transition.libelle.lower()} ».")
    return transition


def transitions_possibles(user, dossier) -> list[TransitionDef]:
    """The transitions `user` may apply to `dossier` in its current state (the page's buttons)."""
    pilote: bool | None = None
    possibles = []
    for transition in TRANSITIONS.values():
        if dossier.etat not in transition.depuis or not decide(user, transition.action):
            continue
        if transition.pilote_seulement:
            if pilote is None:
                pilote = bool(decide(user, "candidatures.piloter", dossier))
            if not pilote:
                continue
        possibles.append(transition)
    return possibles
