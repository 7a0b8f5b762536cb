"""Attainment and payments: the rules decide, the lead region validates or rejects, payments never exceed
the convention — also when 20 agents validate at the same moment (one validation; SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections

from esms.comptes.models import AuditEvent, Notification, Role
from esms.financement.models import Versement
from esms.usages import selectors, services
from esms.usages.erreurs import UsageRefuse
from esms.usages.models import DuiActifValide, ValidationUsage
from tests.usages.fabrique import DEBUT, FIN, construire_dossier, csv_bytes, evenements

ATTEINTS = {"taux_dui_actifs": "0.9", "taux_ins_qualifiee": "0.8", "documents_dmp": "2", "messages_mssante": "12"}
MANQUE = {**ATTEINTS, "taux_dui_actifs": "0.5"}


def _declarer(suivi, porteur, *, manques: int = 0):
    for rang, et in enumerate(suivi.ets):
        services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=et, debut=DEBUT, fin=FIN,
                                      dui_actifs=10, valeurs=MANQUE if rang < manques else ATTEINTS)


def _total(dossier) -> int:
    return sum(Versement.objects.filter(dossier=dossier).exclude(statut="annule").values_list("montant", flat=True))


def test_targets_met_order_the_balance_once(suivi, porteur, agent):
    _declarer(suivi, porteur)
    convention = suivi.dossier.convention
    services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    assert _total(suivi.dossier) == convention.montant
    suivi.dossier.refresh_from_db()
    premiere = ValidationUsage.objects.get()
    # Validating the same reports again (a second click) returns the same validation: nothing new.
    seconde = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN, motif="Contrôle")
    assert seconde.pk == premiere.pk and ValidationUsage.objects.count() == 1
    assert _total(suivi.dossier) == convention.montant
    assert Notification.objects.filter(destinataire=porteur, sujet__contains="usages validés").count() == 1
    assert AuditEvent.objects.filter(action="usages.valider").count() == 1
    # A new report for the period: a new validation, which owes nothing more.
    services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=suivi.ets[0], debut=DEBUT, fin=FIN,
                                  dui_actifs=11, valeurs=ATTEINTS)
    troisieme = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN, motif="Contrôle")
    assert troisieme.pk != premiere.pk and troisieme.versement is None
    assert troisieme.verdict["versement"]["montant_du"] == 0 and _total(suivi.dossier) == convention.montant


def test_partial_attainment_orders_nothing_under_the_strict_reading(suivi, porteur, agent):
    _declarer(suivi, porteur, manques=3)
    validation = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    assert validation.versement is None
    assert validation.verdict["usage"]["nb_membres_atteints"] == len(suivi.ets) - 3
    motifs = [m["message"] for m in validation.verdict["motifs"] if m["finess_et"]]
    assert len(motifs) == 3 and all("taux_dui_actifs" in m for m in motifs)
    suivi.dossier.refresh_from_db()
    assert suivi.dossier.etat == "en_suivi_usage"
    assert _total(suivi.dossier) == Versement.objects.get(dossier=suivi.dossier, type="avance").montant


def test_partial_attainment_under_prorata_orders_a_partial_balance_then_the_rest(suivi, porteur, agent):
    version = suivi.dossier.version
    version.parametres["versement"]["solde_atteinte_partielle"]["valeur"] = "prorata"
    version.save()
    _declarer(suivi, porteur, manques=5)
    convention = suivi.dossier.convention
    premiere = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    avance = Versement.objects.get(dossier=suivi.dossier, type="avance").montant
    solde = convention.montant - avance
    assert premiere.versement.montant == solde * (len(suivi.ets) - 5) // len(suivi.ets)
    _declarer(suivi, porteur)  # later reports: every target met
    suivi.dossier.refresh_from_db()
    seconde = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    assert _total(suivi.dossier) == convention.montant
    assert seconde.versement.montant == convention.montant - avance - premiere.versement.montant
    suivi.dossier.refresh_from_db()
    assert suivi.dossier.etat == "solde"


def test_rejection_needs_a_reason_and_orders_nothing(suivi, porteur, agent):
    _declarer(suivi, porteur)
    with pytest.raises(UsageRefuse, match="motif du rejet est obligatoire"):
        services.rejeter_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN, motif=" ")
    validation = services.rejeter_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN,
                                        motif="Preuves incohérentes avec les déclarations.")
    assert validation.decision == ValidationUsage.Decision.REJETEE
    assert not DuiActifValide.objects.exists()
    assert Versement.objects.filter(dossier=suivi.dossier, type="solde").count() == 0


def test_only_the_lead_region_validates(suivi, porteur, make_user, ref):
    _declarer(suivi, porteur)
    autre = make_user(Role.AGENT_ARS, region="94")
    with pytest.raises(PermissionDenied):
        services.valider_usage(actor=autre, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    with pytest.raises(PermissionDenied):
        services.valider_usage(actor=porteur, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    assert not ValidationUsage.objects.exists()


def test_validation_without_reports_is_refused(suivi, agent):
    with pytest.raises(UsageRefuse, match="Aucun indicateur déclaré"):
        services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)


def test_validation_before_usage_follow_up_is_refused(ref, porteur, agent):
    conventionne = construire_dossier(ref, porteur, agent, etat="conventionne")
    services.declarer_indicateurs(actor=porteur, dossier=conventionne.dossier, finess_et=conventionne.ets[0],
                                  debut=DEBUT, fin=FIN, dui_actifs=3, valeurs=ATTEINTS)
    with pytest.raises(UsageRefuse, match="une fois le suivi d'usage ouvert"):
        services.valider_usage(actor=agent, dossier=conventionne.dossier, debut=DEBUT, fin=FIN)


def test_ordering_a_scheduled_payment(suivi, agent):
    avance = Versement.objects.get(dossier=suivi.dossier, type="avance")
    services.ordonner_versement(actor=agent, versement=avance)
    avance.refresh_from_db()
    assert avance.statut == "ordonne"
    with pytest.raises(UsageRefuse, match="seul un versement programmé"):
        services.ordonner_versement(actor=agent, versement=avance)
    lignes = list(selectors.lignes_versements(selectors.versements(actor=agent, statut="ordonne")))
    assert [(ligne[5], ligne[7]) for ligne in lignes] == [("Avance", "Ordonné")]


@pytest.mark.django_db(transaction=True)
def test_concurrent_validations_never_pay_beyond_the_convention(ref, make_user):
    """Issue 9, point 9: 20 agents of the lead region validate the same dossier and period at the same moment:
    one validation, one balance, no more (today: 19 duplicates)."""
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    agents = [make_user(Role.AGENT_ARS, region="84") for _ in range(20)]
    suivi = construire_dossier(ref, porteur, agents[0])
    _declarer(suivi, porteur)
    barrier = threading.Barrier(len(agents))
    outcomes: list[str] = []
    lock = threading.Lock()

    def valider(agent):
        try:
            barrier.wait()
            services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
            result = "ok"
        except Exception as exc:  # any failure must fail the test, with its reason
            result = f"erreur {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=valider, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert outcomes == ["ok"] * 20, outcomes
    suivi.dossier.refresh_from_db()
    assert suivi.dossier.etat == "solde"
    assert Versement.objects.filter(dossier=suivi.dossier, type="solde").count() == 1
    assert _total(suivi.dossier) == suivi.dossier.convention.montant
    assert ValidationUsage.objects.filter(dossier=suivi.dossier).count() == 1
    assert AuditEvent.objects.filter(action="usages.valider").count() == 1
    assert DuiActifValide.objects.filter(validation__dossier=suivi.dossier).count() == len(suivi.ets)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_duplicate_validation(ref, make_user):
    """The uniqueness constraint backs the service: a second row with the same elements cannot be written."""
    from django.db import IntegrityError

    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    agent = make_user(Role.AGENT_ARS, region="84")
    suivi = construire_dossier(ref, porteur, agent)
    _declarer(suivi, porteur)
    validation = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN)
    with pytest.raises(IntegrityError):
        ValidationUsage.objects.create(dossier=suivi.dossier, periode_debut=DEBUT, periode_fin=FIN, decision="validee",
                                       verdict={}, acteur=agent, entrees=validation.entrees)


@pytest.mark.django_db(transaction=True)
def test_concurrent_deposits_keep_one_unbroken_chain(ref, make_user):
    from esms.usages.preuves import journal

    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    suivi = construire_dossier(ref, porteur, make_user(Role.AGENT_ARS, region="84"))
    barrier = threading.Barrier(10)
    erreurs: list[str] = []

    def deposer(n):
        try:
            contenu = csv_bytes(evenements(suivi.ets[:1], {suivi.ets[0]: n + 1}))
            barrier.wait()
            services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom=f"p{n}.csv",
                                    debut=DEBUT, fin=FIN)
        except Exception as exc:
            erreurs.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deposer, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert erreurs == []
    verification = journal.verifier()
    assert verification.intacte, verification.erreur
    assert verification.nb_maillons == 10


def test_export_des_versements_et_convention_donnent_le_nom_et_le_siren(suivi, agent):
    from django.template.loader import render_to_string

    porteur = suivi.dossier.grappe.porteur
    avance = Versement.objects.get(dossier=suivi.dossier, type="avance")
    services.ordonner_versement(actor=agent, versement=avance)
    porteur.raison_sociale, porteur.siren = "", ""
    porteur.save()
    ligne = next(selectors.lignes_versements(selectors.versements(actor=agent, statut="ordonne")))
    assert ligne[3:5] == ["", "Nom inconnu (aucun fichier des entités juridiques importé)"]
    html = render_to_string("financement/convention.html", {"grappe": suivi.dossier.grappe,
                                                            "dossier": suivi.dossier, "membres": [], "echeancier": []})
    assert "Nom inconnu" in html and "SIREN non renseigné dans FINESS" in html
    porteur.raison_sociale, porteur.siren = "ASSOCIATION DES TESTS", "123456789"
    porteur.save()
    ligne = next(selectors.lignes_versements(selectors.versements(actor=agent, statut="ordonne")))
    assert ligne[3:5] == ["123456789", "ASSOCIATION DES TESTS"]
    suivi.dossier.grappe.porteur.refresh_from_db()
    html = render_to_string("financement/convention.html", {"grappe": suivi.dossier.grappe,
                                                            "dossier": suivi.dossier, "membres": [], "echeancier": []})
    assert "ASSOCIATION DES TESTS" in html and "SIREN 123456789" in html
