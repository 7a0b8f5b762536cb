"""Builders of the usages tests: a dossier taken to « en suivi d'usage » through the real services, and
evidence files (CSV, Parquet, NDJSON)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.utils import timezone

from esms.candidatures import conventions
from esms.candidatures import services as candidatures
from esms.candidatures.models import Document
from esms.comptes.models import Role
from esms.financement import services as financement
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
EN_MAI_2024 = datetime(2024, 5, 2, 10, 0, tzinfo=PARIS)
DEBUT, FIN = date(2024, 10, 1), date(2024, 12, 31)
PIECES = [Document.Type.LETTRE_ENGAGEMENT, Document.Type.CONVENTION_GRAPPE, Document.Type.NON_CUMUL_UE]
ENTETE = "usager;finess_et;horodatage;type_evenement;role_auteur"


def construire_dossier(ref, porteur, agent, *, taille: int = 15, etat: str = "en_suivi_usage"):
    """A dossier filed under the 2024 rules, retained, with a signed convention, then in usage follow-up."""
    factories.version_2024()
    admin = factories.make_user(Role.ADMIN_NATIONAL)
    env = financement.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    financement.doter(actor=admin, enveloppe=env, montant=10_000_000, libelle="Délégation")
    dossier = candidatures.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk,
                                        nom="Grappe de l'Ain", solution=factories.solution_referencee("DUI Alpha"))
    ets = factories.etablissements(ref.ain, ref.og_ara, taille)
    candidatures.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in ets])
    for type_piece in PIECES:
        candidatures.deposer_document(actor=porteur, dossier=dossier, type=type_piece, fichier=factories.pdf_upload())
    dossier = candidatures.deposer(actor=porteur, dossier=dossier, maintenant=EN_MAI_2024)
    candidatures.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    dossier.refresh_from_db()
    candidatures.retenir(actor=agent, dossier=dossier, montant=dossier.montant_demande)
    conventions.signer(actor=agent, dossier=dossier, date_signature=timezone.localdate() - timedelta(days=10),
                       scan=factories.pdf_upload("convention.pdf"))
    if etat == "en_suivi_usage":
        candidatures.appliquer(actor=agent, dossier=dossier, transition="ouvrir_suivi_usage")
    dossier.refresh_from_db()
    return SimpleNamespace(dossier=dossier, ets=[e.pk for e in ets])


def evenements(ets: list[str], actifs: dict[str, int], *, inactifs: int = 1, jour: date = date(2024, 12, 1)) -> list[str]:
    """CSV lines: for each establishment, `actifs[et]` user files with one write in the window, plus
    `inactifs` user files only consulted (not active)."""
    lignes = []
    for rang, et in enumerate(ets):
        for n in range(actifs.get(et, 0)):
            lignes.append(f"U{rang:03d}-{n:05d};{et};{jour.isoformat()}T10:{n % 60:02d}:00+01:00;mise_a_jour;infirmier")
        for n in range(inactifs):
            lignes.append(f"C{rang:03d}-{n:05d};{et};{jour.isoformat()}T11:00:00+01:00;consultation;medecin")
    return lignes


def csv_bytes(lignes: list[str], entete: str = ENTETE) -> bytes:
    return ("\n".join([entete, *lignes]) + "\n").encode("utf-8")


def parquet_bytes(lignes: list[str]) -> bytes:
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE e (usager VARCHAR, finess_et VARCHAR, horodatage TIMESTAMPTZ, type_evenement VARCHAR, "
                "role_auteur VARCHAR)")
    con.executemany("INSERT INTO e VALUES (?, ?, CAST(? AS TIMESTAMPTZ), ?, ?)", [ligne.split(";") for ligne in lignes])
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "e.parquet"
        con.execute(f"COPY e TO '{chemin}' (FORMAT parquet)")
        return chemin.read_bytes()


def ndjson_bytes(lignes: list[str]) -> bytes:
    import json

    actions = {"creation": "C", "mise_a_jour": "U", "consultation": "R"}
    sortie = io.StringIO()
    for ligne in lignes:
        usager, et, horodatage, type_, role = ligne.split(";")
        sortie.write(json.dumps({
            "resourceType": "AuditEvent", "action": actions.get(type_, type_), "recorded": horodatage,
            "type": {"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110"},
            "agent": [{"role": [{"coding": [{"code": role}]}], "requestor": True}],
            "source": {"observer": {"identifier": {"system": "urn:oid:1.2.250.1.71.4.2.2", "value": et}}},
            "entity": [{"what": {"identifier": {"system": "urn:esms:usager-pseudonyme", "value": usager}}}],
        }) + "\n")
    return sortie.getvalue().encode("utf-8")
