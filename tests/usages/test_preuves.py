"""Evidence: the round trip (upload → recompute → validate → balance in the export), every bad-file class
refused with a located French error and nothing recorded, the identifier guard, the formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from esms.comptes.models import AuditEvent
from esms.financement.models import Versement
from esms.usages import selectors, services
from esms.usages.erreurs import IdentifiantsDirects, PreuveInvalide
from esms.usages.models import MaillonJournal, Preuve
from esms.usages.preuves import stockage
from tests.usages.fabrique import DEBUT, FIN, csv_bytes, evenements, ndjson_bytes, parquet_bytes


def _fichiers_stockes() -> list[Path]:
    racine = Path(settings.MEDIA_ROOT) / "preuves"
    return [p for p in racine.rglob("*") if p.is_file()] if racine.exists() else []


def _rien_enregistre(avant: list[Path]) -> None:
    assert Preuve.objects.count() == 0
    assert MaillonJournal.objects.count() == 0
    assert not AuditEvent.objects.filter(action="usages.deposer_preuve").exists()
    assert _fichiers_stockes() == avant


def _reports(suivi, porteur, actifs: dict[str, int], valeurs: dict | None = None):
    valeurs = valeurs or {"taux_dui_actifs": "0.9", "taux_ins_qualifiee": "0.8", "documents_dmp": "2",
                          "messages_mssante": "12"}
    for et in suivi.ets:
        services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=et, debut=DEBUT, fin=FIN,
                                      dui_actifs=actifs[et], valeurs=valeurs)


def test_round_trip_upload_recompute_validate_balance_export(suivi, porteur, agent):
    actifs = {et: 3 + i for i, et in enumerate(suivi.ets)}
    _reports(suivi, porteur, actifs)
    preuve = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=csv_bytes(evenements(suivi.ets, actifs)),
                                     nom="extraction.csv", debut=DEBUT, fin=FIN)
    assert preuve.resultats == actifs
    assert (preuve.ecritures_min, preuve.fenetre_jours) == (1, 90)  # the campaign's « à confirmer » defaults
    chemin = stockage.chemin_de(preuve.sha256)
    assert chemin.exists() and chemin.parent.name == preuve.sha256[:2] and chemin.name == preuve.sha256[2:]
    assert stockage.empreinte_fichier(chemin) == preuve.sha256
    assert preuve.maillon.rang == 1

    synthese = selectors.synthese(suivi.dossier, DEBUT, FIN)
    assert synthese.nb_signales == 0
    validation = services.valider_usage(actor=agent, dossier=suivi.dossier, debut=DEBUT, fin=FIN, motif="Conforme.")
    suivi.dossier.refresh_from_db()
    assert suivi.dossier.etat == "solde"
    assert validation.verdict["usage"]["cibles_atteintes"] is True
    solde = validation.versement
    assert solde.type == "solde"
    convention = suivi.dossier.convention
    total = sum(Versement.objects.filter(dossier=suivi.dossier).values_list("montant", flat=True))
    assert total == convention.montant
    lignes = list(selectors.lignes_versements(selectors.versements(actor=agent)))
    assert [ligne[5] for ligne in lignes] == ["Avance", "Solde"]
    assert lignes[1][0] == suivi.dossier.numero and lignes[1][1] == convention.numero and lignes[1][6] == solde.montant
    national = selectors.dui_actifs_valides(le=__import__("datetime").date.today())
    assert national == [{"cle": None, "libelle": "France entière", "dui_actifs": sum(actifs.values())}]


def test_gap_above_tolerance_is_flagged_and_the_proven_figure_retained(suivi, porteur, agent):
    actifs = dict.fromkeys(suivi.ets, 10)
    declares = dict(actifs)
    declares[suivi.ets[0]] = 20  # declared twice the proven figure
    _reports(suivi, porteur, declares)
    services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=csv_bytes(evenements(suivi.ets, actifs)),
                            nom="extraction.csv", debut=DEBUT, fin=FIN)
    synthese = selectors.synthese(suivi.dossier, DEBUT, FIN)
    signalee = next(ligne for ligne in synthese.lignes if ligne.finess_et == suivi.ets[0])
    assert signalee.ecart.signale and "supérieur de 10" in signalee.ecart.message
    assert signalee.retenu == 10
    assert synthese.nb_signales == 1


@pytest.mark.parametrize("fabrique,nom", [(parquet_bytes, "extraction.parquet"), (ndjson_bytes, "audit.ndjson")])
def test_parquet_and_fhir_ndjson_give_the_same_counts(suivi, porteur, fabrique, nom):
    actifs = {et: 2 for et in suivi.ets[:3]}
    preuve = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=fabrique(evenements(suivi.ets[:3], actifs)),
                                     nom=nom, debut=DEBUT, fin=FIN)
    assert preuve.resultats == actifs
    assert preuve.format == ("parquet" if nom.endswith("parquet") else "ndjson")


def _mauvais(suivi, lignes_ou_octets, nom="extraction.csv"):
    contenu = lignes_ou_octets if isinstance(lignes_ou_octets, bytes) else csv_bytes(lignes_ou_octets)
    return contenu, nom


def cas_mauvais_fichiers(ets):
    bon = evenements(ets[:1], {ets[0]: 2}, inactifs=0)
    return {
        "colonnes manquantes": (csv_bytes(["a;b;c;d"], "usager;finess_et;horodatage;type_evenement"), "x.csv",
                                r"x\.csv, ligne 1 : colonne\(s\) manquante\(s\) : « role_auteur »"),
        "date illisible": (csv_bytes([*bon, f"U9;{ets[0]};31/12/2024 10:00;creation;infirmier"]), "x.csv",
                           r"x\.csv, ligne 4, colonne « horodatage » : « 31/12/2024 10:00 » n'est pas une date"),
        "sans décalage": (csv_bytes([f"U9;{ets[0]};2024-12-01T10:00:00;creation;infirmier"]), "x.csv",
                          r"ligne 2, colonne « horodatage »"),
        "FINESS hors grappe": (csv_bytes([*bon, "U9;010999993;2024-12-01T10:00:00+01:00;creation;infirmier"]), "x.csv",
                               r"x\.csv, ligne 4, colonne « finess_et » : l'établissement 010999993 n'est pas membre"),
        "hors période": (csv_bytes([*bon, f"U9;{ets[0]};2025-01-01T00:00:00+01:00;creation;infirmier"]), "x.csv",
                         r"ligne 4, colonne « horodatage » : l'événement du 2025-01-01T00:00:00\+01:00 est hors de la période"),
        "type inconnu": (csv_bytes([*bon, f"U9;{ets[0]};2024-12-01T10:00:00+01:00;suppression;infirmier"]), "x.csv",
                         r"ligne 4, colonne « type_evenement » : type « suppression » inconnu"),
        "vide": (b"", "x.csv", r"x\.csv : le fichier est vide"),
        "en-tête seul": (csv_bytes([]), "x.csv", r"ne contient aucun événement"),
        "mauvais format": (b"%PDF-1.4 pas une preuve", "x.csv", r"format non reconnu"),
        "extension inconnue": (b"usager;finess_et", "x.txt", r"format non reconnu"),
        "faux parquet": (b"PAR1 tronque", "x.parquet", r"x\.parquet : fichier Parquet illisible"),
        "champs en trop": (csv_bytes([*bon, f"U9;{ets[0]};2024-12-01T10:00:00+01:00;creation;x;y"]), "x.csv",
                           r"x\.csv, ligne 4 : nombre de champs incorrect : 6 champs au lieu de 5"),
        "pas UTF-8": ("\n".join(["usager;finess_et;horodatage;type_evenement;role_auteur",
                                 f"Usager\xe9;{ets[0]};2024-12-01T10:00:00+01:00;creation;x"]).encode("latin-1"),
                      "x.csv", r"x\.csv, ligne 2 : le fichier n'est pas encodé en UTF-8"),
        "colonne inconnue": (csv_bytes(["a;b;c;d;e;f"], ENTETE_PLUS), "x.csv", r"colonne\(s\) inconnue\(s\) : « service »"),
    }


ENTETE_PLUS = "usager;finess_et;horodatage;type_evenement;role_auteur;service"
CAS = list(cas_mauvais_fichiers(["010000000"] * 2))


@pytest.mark.parametrize("cas", CAS)
def test_bad_files_are_refused_located_and_nothing_is_recorded(suivi, porteur, cas):
    contenu, nom, message = cas_mauvais_fichiers(suivi.ets)[cas]
    avant = _fichiers_stockes()
    with pytest.raises(PreuveInvalide, match=message):
        services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom=nom, debut=DEBUT, fin=FIN)
    _rien_enregistre(avant)
    assert not list((Path(settings.MEDIA_ROOT) / "preuves" / "tmp").glob("*"))


def _nir() -> str:
    corps = "2850675123456"
    return f"{corps}{97 - int(corps) % 97:02d}"


@pytest.mark.parametrize("lignes,entete,message", [
    (None, "usager;nom;prenom;finess_et;horodatage;type_evenement;role_auteur", r"colonnes d'identification directe \(« nom », « prenom »\)"),
    (None, "usager;finess_et;horodatage;type_evenement;role_auteur;Date de naissance", r"« Date de naissance »"),
    ("nir", None, r"ligne 3, colonne « usager » : la valeur est ou contient un identifiant direct"),
    ("nir espacé", None, r"ligne 3, colonne « usager »"),
    ("ins-c", None, r"identifiant direct"),
])
def test_identifier_guard_refuses_direct_identifiers(suivi, porteur, lignes, entete, message):
    et = suivi.ets[0]
    base = evenements([et], {et: 1}, inactifs=0)
    if lignes is None:
        contenu = csv_bytes([], entete)
    else:
        valeur = {"nir": _nir(), "nir espacé": " ".join([_nir()[:1], _nir()[1:3], _nir()[3:]]),
                  "ins-c": "1234567890123456789012"}[lignes]
        contenu = csv_bytes([*base, f"{valeur};{et};2024-12-01T10:00:00+01:00;creation;infirmier"])
    avant = _fichiers_stockes()
    with pytest.raises(IdentifiantsDirects, match=message) as refus:
        services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom="x.csv", debut=DEBUT, fin=FIN)
    assert _nir() not in str(refus.value)  # the identifier is never echoed back
    _rien_enregistre(avant)


def test_a_pseudonymised_fifteen_digit_identifier_with_a_wrong_key_is_accepted(suivi, porteur):
    et = suivi.ets[0]
    faux = _nir()[:13] + f"{(int(_nir()[13:]) + 1) % 100:02d}"
    preuve = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, nom="x.csv", debut=DEBUT, fin=FIN,
                                     fichier=csv_bytes([f"{faux};{et};2024-12-01T10:00:00+01:00;creation;infirmier"]))
    assert preuve.resultats == {et: 1}


def test_same_content_is_stored_once_and_each_deposit_is_chained(suivi, porteur):
    contenu = csv_bytes(evenements(suivi.ets[:2], {suivi.ets[0]: 1}))
    avant = set(_fichiers_stockes())
    premiere = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom="a.csv", debut=DEBUT, fin=FIN)
    seconde = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom="b.csv", debut=DEBUT, fin=FIN)
    assert premiere.sha256 == seconde.sha256
    assert set(_fichiers_stockes()) - avant == {stockage.chemin_de(premiere.sha256)}
    assert seconde.maillon.precedent == premiere.maillon.empreinte
    with pytest.raises(PermissionError, match="jamais supprimée"):
        premiere.delete()
    premiere.nom_original = "autre.csv"
    with pytest.raises(PermissionError, match="jamais modifiée"):
        premiere.save()


def test_window_and_minimum_writes_come_from_the_campaign(suivi, porteur):
    et = suivi.ets[0]
    lignes = [
        f"A;{et};2024-10-01T10:00:00+02:00;creation;infirmier",   # before the 90-day window (starts 03/10)
        f"B;{et};2024-10-03T00:00:00+02:00;creation;infirmier",   # first instant of the window
        f"C;{et};2024-12-31T23:59:59+01:00;mise_a_jour;infirmier",  # last instant of the period
        f"D;{et};2024-12-15T10:00:00+01:00;consultation;medecin",   # reads do not count
    ]
    preuve = services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=csv_bytes(lignes), nom="x.csv",
                                     debut=DEBUT, fin=FIN)
    assert preuve.resultats == {et: 2}


# --- Issue 9, point 3: every column and value, and FINESS keys -------------------------------------

@pytest.mark.parametrize("ligne, colonne", [
    ("U9;{et};2024-12-01T10:00:00+01:00;creation;{nir}", "role_auteur"),  # a valid NIR in role_auteur
    ("usager=pat-{nir};{et};2024-12-01T10:00:00+01:00;creation;infirmier", "usager"),  # inside a value
    ("U9;{et};2024-12-01T10:00:00+01:00;creation;infirmier {nir_espace}", "role_auteur"),
    ("U9;{et};{nir};creation;infirmier", "horodatage"),  # never echoed by the timestamp message
    ("U9;{et};2024-12-01T10:00:00+01:00;pat-{nir};infirmier", "type_evenement"),
    ("U9;{nir};2024-12-01T10:00:00+01:00;creation;infirmier", "finess_et"),
])
@pytest.mark.parametrize("format_", ["csv", "parquet", "ndjson"])
def test_a_nir_in_any_column_or_inside_a_value_is_refused(suivi, porteur, ligne, colonne, format_):
    if format_ == "parquet" and colonne == "horodatage":
        pytest.skip("a typed Parquet timestamp cannot hold text")
    et, nir = suivi.ets[0], _nir()
    nir_espace = " ".join([nir[:1], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
    lignes = [*evenements([et], {et: 1}, inactifs=0), ligne.format(et=et, nir=nir, nir_espace=nir_espace)]
    contenu = {"csv": csv_bytes, "parquet": parquet_bytes, "ndjson": ndjson_bytes}[format_](lignes)
    avant = _fichiers_stockes()
    with pytest.raises(IdentifiantsDirects) as refus:
        services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom=f"x.{format_}",
                                debut=DEBUT, fin=FIN)
    message = str(refus.value)
    lieu = {"csv": "ligne 3", "parquet": "enregistrement n° 2", "ndjson": "ligne 2"}[format_]
    if format_ == "ndjson":  # the whole resource is checked first, whatever field holds the identifier
        assert f"x.ndjson, {lieu} : un champ de la ressource contient un identifiant direct" in message
    else:
        assert f"x.{format_}, {lieu}, colonne « {colonne} » : la valeur est ou contient un identifiant direct" in message
    assert nir not in message.replace(" ", "")  # the identifier is never echoed back
    _rien_enregistre(avant)
    assert not Preuve.objects.exists()


def test_a_finess_with_a_wrong_key_is_refused(suivi, porteur):
    et = suivi.ets[0]
    contenu = csv_bytes([*evenements([et], {et: 1}, inactifs=0),
                         "U9;590041142;2024-12-01T10:00:00+01:00;creation;infirmier"])
    with pytest.raises(PreuveInvalide, match=r"x\.csv, ligne 3, colonne « finess_et » : numéro FINESS « 590041142 » "
                                             r"invalide \(clé de contrôle invalide"):
        services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom="x.csv", debut=DEBUT, fin=FIN)
    assert not Preuve.objects.exists()


def test_a_nir_in_any_field_of_a_fhir_resource_is_refused(suivi, porteur):
    import json

    et = suivi.ets[0]
    lignes = ndjson_bytes(evenements([et], {et: 2}, inactifs=0)).decode().splitlines()
    ressource = json.loads(lignes[1])
    ressource["entity"][0]["what"]["display"] = f"Dossier {_nir()}"
    lignes[1] = json.dumps(ressource)
    with pytest.raises(IdentifiantsDirects, match=r"x\.ndjson, ligne 2 : un champ de la ressource contient") as refus:
        services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=("\n".join(lignes) + "\n").encode(),
                                nom="x.ndjson", debut=DEBUT, fin=FIN)
    assert _nir() not in str(refus.value)
    assert not Preuve.objects.exists()
