"""The dossier workflow as one declarative transition table.

Each transition names the states it leaves and the state it reaches, the permission action the actor needs
(decided by `comptes.permissions.decide`, scope included) and whether only the lead region decides, its guard
(a mandatory comment), its effects (named functions run by `services.transitionner` before or after the state
change: commit the envelope, prepare the convention, schedule the advance…), the service entry point the pages
call, whom it notifies and how the dossier page shows it (label, button style, confirmation, form).

Adding a transition whose effects already exist is one line here; a new effect is one function registered in
`EFFETS` (see `services.py`). `tests/candidatures/test_workflow_table.py` checks the table itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from esms.candidatures.etats import ETATS_RETIRABLES, Etat
from esms.comptes.permissions import Acteur, decide
from esms.refus import Refus, hors_perimetre, non_habilite


class TransitionInterdite(Refus):
    """The dossier is not in a state that allows this transition."""

    code_par_defaut = "transition_interdite"


Saisie = Literal["commentaire", "montant", "signature", "complement"]
Service = Literal["appliquer", "deposer", "retenir", "signer_convention", "solder", "demander_complement"]


@dataclass(frozen=True)
class Affichage:
    """How the dossier page offers a transition: a button (DSFR style) opening its form."""

    style: str = "fr-btn--secondary"
    saisie: Saisie = "commentaire"
    libelle_saisie: str = "Commentaire (facultatif)"
    confirmation: str = ""  # the submit button; « Confirmer : <libellé> » when empty
    # Money: a confirmation page states the amount and the envelope's remaining amount after it before anything
    # is written (as the batch retain and the payment orders do).
    confirmer_montant: bool = False
    # The payment of the convention's schedule the transition orders (« avance »), announced with its amount.
    annonce_versement: str = ""
    edition: bool = False  # offered on the edition page instead, to a user who may still edit the grappe


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
    effets: tuple[str, ...] = ()  # names of `EFFETS`, run in this order
    service: Service = "appliquer"  # the service function that performs it (`appliquer`: a comment at most)
    affichage: Affichage | None = None  # None: not offered on the dossier page

    @property
    def confirmation(self) -> str:
        texte = self.affichage.confirmation if self.affichage else ""
        return texte or f"Confirmer : {self.libelle.lower()}"


@dataclass(frozen=True)
class Effet:
    """A side effect of transitions: `avant` runs before the state change (it may refuse and set fields of the
    dossier in `contexte.champs`), `apres` after it (creating rows that need the new state)."""

    fonction: Callable[[Any], None]
    moment: Literal["avant", "apres"]


# Filled by `services.py` (the effects call the services of candidatures and financement).
EFFETS: dict[str, Effet] = {}


def effet(nom: str, moment: Literal["avant", "apres"]) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    def enregistrer(fonction: Callable[[Any], None]) -> Callable[[Any], None]:
        EFFETS[nom] = Effet(fonction, moment)
        return fonction
    return enregistrer


MOTIF = Affichage(saisie="commentaire", libelle_saisie="Motif communiqué au porteur")

E = Etat
TRANSITIONS: dict[str, TransitionDef] = {t.nom: t for t in [
    TransitionDef("deposer", "Déposer le dossier", frozenset({E.BROUILLON}), E.DEPOSE,
                  "candidatures.deposer", notifier=("instructeurs", "porteur"), effets=("figer_le_depot",),
                  service="deposer"),  # offered on the edition page
    TransitionDef("ouvrir_instruction", "Passer en instruction", frozenset({E.DEPOSE}), E.EN_INSTRUCTION,
                  "candidatures.instruire", notifier=("porteur",), effets=("designer_instructeur",),
                  affichage=Affichage()),
    TransitionDef("demander_complement", "Demander un complément", frozenset({E.EN_INSTRUCTION}),
                  E.COMPLEMENT_DEMANDE, "candidatures.instruire", commentaire_obligatoire=True,
                  notifier=("porteur",), effets=("fixer_le_delai_du_complement", "programmer_le_rappel"),
                  service="demander_complement",
                  affichage=Affichage(saisie="complement", libelle_saisie="Pièces ou précisions demandées au porteur")),
    TransitionDef("repondre_complement", "Renvoyer le dossier complété", frozenset({E.COMPLEMENT_DEMANDE}),
                  E.EN_INSTRUCTION, "candidatures.deposer", notifier=("instructeurs",),
                  effets=("reevaluer_la_recevabilite", "lever_le_delai_du_complement"),
                  affichage=Affichage(libelle_saisie="Message à l'ARS (facultatif)", edition=True)),
    TransitionDef("retenir", "Retenir", frozenset({E.EN_INSTRUCTION}), E.RETENU,
                  "candidatures.decider", pilote_seulement=True, notifier=("porteur", "instructeurs"),
                  effets=("controler_le_montant", "engager_l_enveloppe", "preparer_la_convention"),
                  service="retenir", affichage=Affichage(style="", saisie="montant", confirmer_montant=True)),
    TransitionDef("ne_pas_retenir", "Ne pas retenir", frozenset({E.EN_INSTRUCTION}), E.NON_RETENU,
                  "candidatures.decider", pilote_seulement=True, commentaire_obligatoire=True,
                  notifier=("porteur", "instructeurs"), effets=("motiver_la_decision",), affichage=MOTIF),
    TransitionDef("classer_sans_suite", "Classer sans suite",
                  frozenset({E.DEPOSE, E.EN_INSTRUCTION, E.COMPLEMENT_DEMANDE}), E.SANS_SUITE,
                  "candidatures.decider", pilote_seulement=True, commentaire_obligatoire=True,
                  notifier=("porteur", "instructeurs"), effets=("motiver_la_decision",),
                  affichage=Affichage(style="fr-btn--tertiary", libelle_saisie=MOTIF.libelle_saisie)),
    TransitionDef("signer_convention", "Enregistrer la convention signée", frozenset({E.RETENU}),
                  E.CONVENTIONNE, "candidatures.conventionner", pilote_seulement=True,
                  notifier=("porteur",), effets=("programmer_l_avance",), service="signer_convention",
                  affichage=Affichage(style="", saisie="signature", annonce_versement="avance")),
    TransitionDef("ouvrir_suivi_usage", "Ouvrir le suivi d'usage", frozenset({E.CONVENTIONNE}),
                  E.EN_SUIVI_USAGE, "candidatures.conventionner", pilote_seulement=True,
                  notifier=("porteur",), affichage=Affichage()),
    TransitionDef("solder", "Solder", frozenset({E.EN_SUIVI_USAGE}), E.SOLDE,
                  "candidatures.conventionner", pilote_seulement=True, notifier=("porteur",),
                  effets=("programmer_le_solde",), service="solder"),  # ordered from the usages validation
    TransitionDef("retirer", "Retirer le dossier", ETATS_RETIRABLES, E.RETIRE, "candidatures.deposer",
                  notifier=("instructeurs", "porteur"), effets=("lever_le_delai_du_complement",),
                  affichage=Affichage(style="fr-btn--tertiary", libelle_saisie="Motif du retrait (facultatif)",
                                      confirmation="Confirmer le retrait du dossier")),
    TransitionDef("clore", "Clore", frozenset({E.SOLDE, E.NON_RETENU, E.SANS_SUITE, E.RETIRE}), E.CLOS,
                  "candidatures.decider", pilote_seulement=True, affichage=Affichage()),
]}


def verifier(user: Acteur, dossier: Any, nom: str, commentaire: str = "") -> TransitionDef:
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


def transitions_possibles(user: Acteur, dossier: Any) -> list[TransitionDef]:
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
