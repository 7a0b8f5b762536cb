"""Labels of a campaign's dossiers (« À examiner », « Complet »…): the national administrator manages each
campaign's labels; the agents instructing a dossier put them on it and filter their queue by them. Labels are
internal to instruction: the porteur never sees them (pages, exports and API show them to instructors only).

Writes: keyword-only, one permission decision, audited, in a transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet

from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Campagne, Dossier, Etiquette
from esms.comptes import audit
from esms.comptes.permissions import Acteur, require

PAR_DEFAUT = [("À examiner", Etiquette.Couleur.BLEU), ("Complet", Etiquette.Couleur.VERT),
              ("Incomplet", Etiquette.Couleur.ORANGE), ("À présenter en séance", Etiquette.Couleur.VIOLET)]


def de_la_campagne(campagne: Campagne) -> QuerySet[Etiquette]:
    return Etiquette.objects.filter(campagne=campagne)


def creer_par_defaut(campagne: Campagne) -> None:
    """The default labels of a new campaign (already present ones are kept)."""
    Etiquette.objects.bulk_create([Etiquette(campagne=campagne, nom=nom, couleur=couleur, ordre=rang)
                                   for rang, (nom, couleur) in enumerate(PAR_DEFAUT)], ignore_conflicts=True)


@transaction.atomic
def creer(*, actor: Acteur, campagne: Campagne, nom: str, couleur: str) -> Etiquette:
    require(actor, "campagnes.gerer")
    nom = " ".join(nom.split())
    if not nom:
        raise CandidatureRefusee("Le nom de l'étiquette est obligatoire.", champ="nom")
    if couleur not in Etiquette.Couleur.values:
        raise CandidatureRefusee(f"Couleur inconnue « {couleur} ».", champ="couleur")
    ordre = (de_la_campagne(campagne).aggregate(n=Max("ordre"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            etiquette = Etiquette.objects.create(campagne=campagne, nom=nom, couleur=couleur, ordre=ordre)
    except IntegrityError:
        raise CandidatureRefusee(f"La campagne {campagne.code} a déjà une étiquette « {nom} ».", champ="nom") from None
    audit.record(actor=actor, action="campagnes.etiquette_creee", obj=campagne,
                 after={"etiquette": nom, "couleur": couleur})
    return etiquette


@transaction.atomic
def supprimer(*, actor: Acteur, etiquette: Etiquette) -> None:
    """Delete a label: it leaves every dossier that carried it (the audit event keeps how many)."""
    require(actor, "campagnes.gerer")
    nb = etiquette.dossiers.count()
    audit.record(actor=actor, action="campagnes.etiquette_supprimee", obj=etiquette.campagne,
                 before={"etiquette": etiquette.nom, "dossiers": nb})
    etiquette.delete()


@transaction.atomic
def etiqueter(*, actor: Acteur, dossier: Dossier, etiquettes: list[Etiquette]) -> list[str]:
    """Set the dossier's labels to `etiquettes` (labels of its campaign); returns their names."""
    require(actor, "candidatures.etiqueter", dossier)
    campagne_id = dossier.grappe.campagne_id
    etrangeres = [e.nom for e in etiquettes if e.campagne_id != campagne_id]
    if etrangeres:
        raise CandidatureRefusee(f"Étiquette(s) d'une autre campagne : {', '.join(etrangeres)}.", champ="etiquettes")
    avant = sorted(dossier.etiquettes.values_list("nom", flat=True))
    dossier.etiquettes.set(etiquettes)
    apres = sorted(e.nom for e in etiquettes)
    if apres != avant:
        audit.record(actor=actor, action="dossiers.etiqueter", obj=dossier, before={"etiquettes": avant},
                     after={"etiquettes": apres})
    return apres
