"""Demo usage data: for the demo dossiers « en suivi d'usage » and « soldé », a small pseudonymised evidence
file (one quarter of DUI activity) uploaded through the services, the indicator reports of every member
(one of them overstated, to show a flagged gap), and, for a « soldé » dossier, the ARS's validation (so that
the national indicator has figures). Called by `esms demo`; idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from esms.candidatures.etats import Etat
from esms.candidatures.models import Dossier
from esms.comptes.models import Role, User
from esms.usages import services
from esms.usages.models import Preuve

PARIS = ZoneInfo("Europe/Paris")
ROLES = ["infirmier", "aide_soignant", "educateur", "medecin", "psychologue"]
VALEURS = {"taux_dui_actifs": "0.86", "taux_ins_qualifiee": "0.78", "documents_dmp": "1.4", "messages_mssante": "24"}


def trimestre_precedent(jour: date) -> tuple[date, date]:
    premier = date(jour.year, 3 * ((jour.month - 1) // 3) + 1, 1)
    fin = premier - timedelta(days=1)
    return date(fin.year, 3 * ((fin.month - 1) // 3) + 1, 1), fin


def extraction(membres: list[str], debut: date, fin: date, graine: int) -> tuple[bytes, dict[str, int]]:
    """A CSV of events: per establishment, 15 to 60 user files written in the last 90 days, a few only
    consulted; returns the file and the active DUIs it proves (one write in the window)."""
    aleatoire = random.Random(graine)
    jours = (fin - debut).days + 1
    fenetre = max(0, jours - 90)
    lignes, actifs = ["usager;finess_et;horodatage;type_evenement;role_auteur"], {}
    for et in membres:
        nb_actifs, nb_lus = aleatoire.randint(15, 60), aleatoire.randint(2, 8)
        actifs[et] = nb_actifs
        for n in range(nb_actifs + nb_lus):
            pseudonyme = f"P{aleatoire.getrandbits(40):010x}"
            for k in range(aleatoire.randint(1, 4)):
                jour = debut + timedelta(days=aleatoire.randrange(fenetre, jours))
                instant = datetime.combine(jour, time(aleatoire.randrange(7, 20), aleatoire.randrange(60)), tzinfo=PARIS)
                type_ = "consultation" if n >= nb_actifs else ("creation" if k == 0 and n % 7 == 0 else "mise_a_jour")
                lignes.append(f"{pseudonyme};{et};{instant.isoformat()};{type_};{aleatoire.choice(ROLES)}")
    return ("\n".join(lignes) + "\n").encode("utf-8"), actifs


def _porteur(dossier: Dossier) -> User | None:
    return User.objects.filter(role=Role.RESPONSABLE_OG, is_active=True, organismes=dossier.grappe.porteur_id).order_by("pk").first()


def _agent(dossier: Dossier) -> User | None:
    agent = User.objects.filter(role=Role.AGENT_ARS, is_active=True, region_id=dossier.region_pilote_id).first()
    return agent or User.objects.filter(role=Role.ADMIN_NATIONAL, is_active=True).order_by("pk").first()


def charger_demo_usages(*, stdout=None) -> int:
    """Evidence and reports for the demo dossiers in usage follow-up or balanced; returns how many dossiers."""
    debut, fin = trimestre_precedent(timezone.localdate())
    traites = 0
    for dossier in Dossier.objects.filter(etat__in=[Etat.EN_SUIVI_USAGE, Etat.SOLDE]).order_by("pk"):
        porteur = _porteur(dossier)
        if porteur is None or Preuve.objects.filter(dossier=dossier).exists():
            continue
        membres = sorted(services.membres(dossier))
        valeurs = {code: v for code, v in VALEURS.items() if code in services.catalogue(dossier)}
        contenu, actifs = extraction(membres, debut, fin, graine=dossier.pk)
        for rang, et in enumerate(membres):
            declare = actifs[et] + (12 if rang == 0 else 0)  # one overstated figure: a flagged gap
            services.declarer_indicateurs(actor=porteur, dossier=dossier, finess_et=et, debut=debut, fin=fin,
                                          dui_actifs=declare, valeurs=valeurs)
        services.deposer_preuve(actor=porteur, dossier=dossier, fichier=contenu, nom=f"extraction-dui-{dossier.numero}.csv",
                                debut=debut, fin=fin)
        agent = _agent(dossier)
        if dossier.etat == Etat.SOLDE and agent is not None:
            services.valider_usage(actor=agent, dossier=dossier, debut=debut, fin=fin,
                                   motif="Preuves conformes (démonstration).")
        traites += 1
        if stdout is not None:
            stdout.write(f"Usages de démonstration : dossier {dossier} ({len(membres)} établissements).")
    return traites
