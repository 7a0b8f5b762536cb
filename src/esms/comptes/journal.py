"""The audit trail made readable: French labels of actions, objects and fields, and each event's changes as a
list of « field: before → after » rows (never a raw dictionary), for the audit page and its exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from esms.comptes.models import AuditEvent

DOMAINES = {
    "acces": "Accès", "api": "API", "bourse": "Bourse aux grappes", "campagnes": "Campagnes", "comptes": "Comptes",
    "courriels": "Courriels", "dossiers": "Dossiers", "instruction": "Instruction", "enveloppes": "Enveloppes", "grappes": "Grappes",
    "referencement": "Registre des solutions", "referentiel": "Référentiel FINESS", "seances": "Séances de sélection",
    "sons": "Commandes SONS",
    "usages": "Usages", "versements": "Versements",
}

ACTIONS = {
    "acces.refuse": "Accès refusé",
    "comptes.connexion": "Connexion", "comptes.connexion_refusee": "Connexion refusée",
    "comptes.deconnexion": "Déconnexion", "comptes.creer": "Création d'un compte",
    "comptes.habilitations": "Modification des habilitations", "comptes.inscription": "Inscription",
    "comptes.mot_de_passe_change": "Mot de passe changé", "comptes.verrouillage": "Compte verrouillé",
    "comptes.rattachement_valide": "Rattachement validé", "comptes.rattachement_demande": "Rattachement demandé",
    "campagnes.nouvelle_version": "Nouvelle version des paramètres",
    "grappes.creer": "Création d'une grappe", "grappes.modifier": "Modification de la grappe",
    "grappes.ajouter_membres": "Ajout d'établissements", "grappes.retirer_membre": "Retrait d'un établissement",
    "grappes.modifier_membre": "Modification d'un membre", "grappes.accepter_adhesion": "Adhésion acceptée",
    "grappes.retirer_adhesion": "Adhésion retirée",
    "dossiers.deposer": "Dépôt du dossier", "dossiers.ouvrir_instruction": "Passage en instruction",
    "dossiers.demander_complement": "Demande de complément", "dossiers.repondre_complement": "Réponse au complément",
    "dossiers.retenir": "Dossier retenu", "dossiers.ne_pas_retenir": "Dossier non retenu",
    "dossiers.classer_sans_suite": "Classement sans suite", "dossiers.signer_convention": "Convention signée",
    "dossiers.ouvrir_suivi_usage": "Ouverture du suivi d'usage", "dossiers.solder": "Dossier soldé",
    "dossiers.clore": "Dossier clos", "dossiers.annoter": "Annotation privée", "dossiers.message": "Message",
    "dossiers.demander_avis": "Avis demandé", "dossiers.rendre_avis": "Avis rendu",
    "dossiers.deposer_document": "Pièce déposée", "dossiers.remplacer_document": "Pièce remplacée",
    "dossiers.supprimer_document": "Pièce supprimée", "dossiers.telecharger": "Dossier téléchargé (zip)",
    "dossiers.attribuer": "Attribution à un instructeur", "dossiers.suivre": "Suivi du dossier",
    "dossiers.ne_plus_suivre": "Fin du suivi du dossier",
    "enveloppes.creer": "Création d'une enveloppe", "enveloppes.doter": "Dotation d'une enveloppe",
    "enveloppes.engager": "Engagement sur l'enveloppe", "enveloppes.liberer": "Libération d'un engagement",
    "seances.creer": "Création d'une séance de sélection", "seances.inscrire": "Dossiers inscrits à une séance",
    "seances.retirer": "Dossier retiré d'une séance", "seances.proposer": "Décision proposée en séance",
    "seances.cloturer": "Séance clôturée (décisions appliquées)",
    "usages.valider": "Usages validés", "usages.rejeter": "Usages rejetés",
    "usages.declarer_indicateurs": "Indicateurs déclarés", "usages.deposer_preuve": "Preuve déposée",
    "usages.autoriser_editeur": "Éditeur autorisé", "usages.revoquer_editeur": "Éditeur révoqué",
    "versements.programmer": "Versement programmé", "versements.ordonner": "Versement ordonné",
    "instruction.recherche_sauvegardee": "Recherche enregistrée",
    "instruction.recherche_supprimee": "Recherche supprimée",
    "api.jeton_creer": "Jeton d'API créé", "api.jeton_revoquer": "Jeton d'API révoqué",
    "bourse.calculer_propositions": "Propositions calculées", "bourse.declarer_besoin": "Besoin déclaré",
    "bourse.ouvrir_grappe": "Grappe ouverte à de nouveaux membres", "bourse.repondre_projet": "Réponse à un projet de grappe",
    "bourse.repondre_proposition": "Réponse à une proposition", "bourse.retirer_besoin": "Besoin retiré",
    "bourse.suggerer": "Proposition suggérée",
    "campagnes.brouillon": "Brouillon de paramètres enregistré",
    "campagnes.etiquette_creee": "Étiquette créée", "campagnes.etiquette_supprimee": "Étiquette supprimée",
    "dossiers.etiqueter": "Étiquettes du dossier modifiées", "campagnes.publication": "Paramètres publiés",
    "comptes.double_facteur": "Second facteur vérifié", "comptes.double_facteur_active": "Second facteur activé",
    "comptes.double_facteur_echoue": "Second facteur refusé", "comptes.email_verifie": "Adresse électronique vérifiée",
    "comptes.invitation_acceptee": "Invitation acceptée", "comptes.inviter": "Invitation envoyée",
    "comptes.mot_de_passe_reinitialise": "Mot de passe réinitialisé",
    "comptes.reinitialisation_demandee": "Réinitialisation du mot de passe demandée",
    "comptes.preferences": "Préférences de notification", "comptes.proconnect_refuse": "Connexion ProConnect refusée",
    "courriels.renvoyer": "Courriel renvoyé",
    "dossiers.retirer": "Dossier retiré par le porteur", "dossiers.rappeler_complement": "Rappel du complément attendu",
    "referencement.creer_editeur": "Éditeur créé", "referencement.declarer_ght": "Appartenance à un GHT déclarée",
    "referencement.importer": "Import du registre des solutions", "referencement.importer_ght": "Import des GHT",
    "referencement.lier_compte": "Compte lié à un éditeur", "referencement.modifier": "Solution modifiée",
    "referencement.retirer_ght": "Appartenance à un GHT retirée",
    "referentiel.annuler_import": "Import FINESS annulé", "referentiel.charger": "Référentiel FINESS chargé",
    "referentiel.import_echoue": "Import FINESS en échec", "referentiel.import_en_attente": "Import FINESS programmé",
    "sons.declarer": "Commande SONS déclarée", "sons.importer": "Import des commandes SONS",
    "usages.deposer_preuve.refus": "Preuve refusée", "usages.importer_indicateurs": "Fichier d'indicateurs importé",
    "usages.importer_indicateurs.refus": "Fichier d'indicateurs refusé",
    "usages.programmer_indicateurs": "Fichier d'indicateurs mis en traitement",
    "usages.programmer_preuve": "Preuve mise en traitement",
    "usages.traiter_indicateurs.echec": "Échec du traitement des indicateurs",
    "usages.traiter_preuve.echec": "Échec du traitement de la preuve",
    "referentiel.importer": "Import FINESS", "referentiel.qualifier": "Qualification d'un établissement",
}

OBJETS = {
    "candidatures.Dossier": "Dossier", "candidatures.Grappe": "Grappe", "comptes.User": "Compte",
    "financement.Enveloppe": "Enveloppe", "financement.Versement": "Versement",
    "candidatures.Campagne": "Campagne", "referentiel.Etablissement": "Établissement",
    "referentiel.ImportFiness": "Import FINESS", "seances.Seance": "Séance de sélection",
}

CHAMPS = {
    "etat": "État", "montant": "Montant (€)", "montant_retenu": "Montant retenu (€)", "decide_le": "Décidé le",
    "motif_decision": "Motif de la décision", "nom": "Nom", "solution_dui": "Solution DUI", "solution": "Solution",
    "membres": "Établissements", "proposes": "Établissements proposés", "membre": "Établissement",
    "cas": "Cas", "part_heures_eligibles": "Part des heures éligibles", "campagne": "Campagne",
    "porteur": "Porteur", "instructeur": "Instructeur", "statut": "Statut", "versement": "Versement",
    "periode": "Période", "cibles_atteintes": "Cibles atteintes", "dui_actifs_valides": "DUI actifs validés",
    "type": "Type", "sha256": "Empreinte SHA-256", "annotation": "Annotation", "message": "Message",
    "expert": "Expert", "favorable": "Favorable", "role": "Rôle", "region": "Région", "finess_et": "FINESS ET",
    "libelle": "Libellé", "numero": "Numéro", "depose_le": "Déposé le", "verdict": "Verdict",
    "montant_demande": "Montant demandé (€)", "version": "Version des paramètres", "appel": "Appel",
    "region_pilote": "Région pilote", "region_pilote_choisie": "ARS choisie", "etiquettes": "Étiquettes",
    "appreciation_reserve": "Appréciation des réserves", "decision": "Décision", "motif": "Motif",
    "dossiers": "Dossiers", "date": "Date", "titre": "Titre", "retenir": "Retenus", "refuser": "Refusés",
    "ajourner": "Ajournés", "montant_equipement_demande": "Équipement demandé (€)",
}


def libelle_action(code: str) -> str:
    if code in ACTIONS:
        return ACTIONS[code]
    domaine, _, verbe = code.partition(".")
    texte = verbe.replace(".", " ").replace("_", " ") or domaine
    return f"{DOMAINES.get(domaine, domaine.capitalize())} : {texte}"


def libelle_objet(type_objet: str) -> str:
    return OBJETS.get(type_objet, type_objet.rpartition(".")[2] if type_objet else "—")


def libelle_champ(cle: str) -> str:
    return CHAMPS.get(cle, cle.replace("_", " ").capitalize())


def valeur(v: Any) -> str:
    """A stored value as text: lists joined, mappings as « key : value », booleans in French, empty as « — »."""
    if v is None or v == "" or v == [] or v == {}:
        return "—"
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, list | tuple):
        return ", ".join(valeur(x) for x in v)
    if isinstance(v, dict):
        return " ; ".join(f"{libelle_champ(str(k))} : {valeur(x)}" for k, x in v.items())
    return str(v)


@dataclass(frozen=True)
class Changement:
    champ: str
    avant: str
    apres: str
    modifie: bool


def changements(event: AuditEvent) -> list[Changement]:
    """One row per field named before or after, in the order they were written."""
    avant = event.before if isinstance(event.before, dict) else ({} if event.before is None else {"valeur": event.before})
    apres = event.after if isinstance(event.after, dict) else ({} if event.after is None else {"valeur": event.after})
    cles = list(dict.fromkeys([*avant, *apres]))
    return [Changement(libelle_champ(c), valeur(avant.get(c)) if c in avant else "", valeur(apres.get(c)) if c in apres else "",
                       avant.get(c) != apres.get(c)) for c in cles]


def texte_changements(event: AuditEvent) -> str:
    """The changes on one line, for the exports."""
    parties = []
    for c in changements(event):
        if c.avant and c.apres:
            parties.append(f"{c.champ} : {c.avant} → {c.apres}")
        else:
            parties.append(f"{c.champ} : {c.avant or c.apres}")
    return " | ".join(parties)


ENTETES_EXPORT = ["Date", "Acteur", "Action", "Code de l'action", "Objet", "Type d'objet", "Identifiant",
                  "Changements", "Commentaire"]


def lignes_export(events) -> Any:
    from django.utils import timezone

    for e in events.iterator(chunk_size=2000):
        yield [timezone.localtime(e.created_at).strftime("%d/%m/%Y %H:%M:%S"), e.actor_label, libelle_action(e.action),
               e.action, e.object_repr, libelle_objet(e.object_type), e.object_id, texte_changements(e), e.comment]
