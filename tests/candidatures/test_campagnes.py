"""Campagnes in the database: shipped parameters as dated versions, and administrator versions."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from esms.candidatures import campagnes
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import VersionParametres
from esms.candidatures.regles import version_en_vigueur
from esms.comptes.models import AuditEvent, Role
from esms.comptes.permissions import SYSTEME


def test_loading_is_idempotent(db):
    creees = campagnes.charger(actor=SYSTEME, code="2024")
    assert len(creees) == 1
    assert creees[0].parametres["code"] == "2024"
    assert campagnes.charger(actor=SYSTEME, code="2024") == []
    assert VersionParametres.objects.filter(campagne__code="2024").count() == 1


def test_2025_amendment_is_a_dated_version(db):
    versions = campagnes.charger(actor=SYSTEME, code="2025")
    assert len(versions) == 2
    avril, septembre = sorted(versions, key=lambda v: v.date_effet)
    assert septembre.date_effet == date(2025, 9, 2)
    assert avril.parametres != septembre.parametres
    campagne = avril.campagne
    assert version_en_vigueur(campagne, date(2025, 6, 1)) == avril
    assert version_en_vigueur(campagne, date(2025, 10, 1)) == septembre


def test_admin_creates_a_new_version_and_the_old_one_stays(db, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    (v1,) = campagnes.charger(actor=admin, code="2024")
    parametres = dict(v1.parametres)
    parametres["grappe"] = {**parametres["grappe"], "taille_min": {**parametres["grappe"]["taille_min"], "valeur": 12}}
    v2 = campagnes.nouvelle_version(actor=admin, campagne=v1.campagne, parametres=parametres,
                                    date_effet=date(2024, 7, 1), motif="Annexe modifiée")
    assert v2.numero == 2
    assert v2.parametres["grappe"]["taille_min"]["valeur"] == 12
    v1.refresh_from_db()
    assert v1.parametres["grappe"]["taille_min"]["valeur"] == 15
    assert AuditEvent.objects.filter(action="campagnes.nouvelle_version", actor=admin).count() == 2


def test_invalid_version_is_refused_with_located_errors_and_nothing_written(db, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    (v1,) = campagnes.charger(actor=admin, code="2024")
    parametres = dict(v1.parametres)
    parametres["grappe"] = {**parametres["grappe"], "taille_min": {"valeur": "quinze", "source": "x", "statut": "confirmé"}}
    with pytest.raises(CandidatureRefusee) as err:
        campagnes.nouvelle_version(actor=admin, campagne=v1.campagne, parametres=parametres,
                                   date_effet=date(2024, 7, 1), motif="Erreur de saisie")
    assert any(m.startswith("grappe.taille_min") for m in err.value.messages)
    assert VersionParametres.objects.count() == 1


def test_only_national_admin_edits_parameters(ref, make_user):
    (v1,) = campagnes.charger(actor=SYSTEME, code="2024")
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        campagnes.nouvelle_version(actor=agent, campagne=v1.campagne, parametres=v1.parametres,
                                   date_effet=date(2024, 7, 1), motif="x")


def test_pages_show_parameters_with_sources_and_yaml_errors_are_located(client, db, make_user):
    campagnes.charger(actor=SYSTEME, code="2024")
    make_user(Role.ADMIN_NATIONAL, username="admin", password="bon-mot-de-passe-1")
    client.login(request=HttpRequest(), username="admin", password="bon-mot-de-passe-1")
    html = client.get(reverse("campagnes:detail", args=["2024"])).content.decode()
    assert "grappe.taille_min" in html and "à confirmer" in html
    url = reverse("campagnes:nouvelle_version", args=["2024"])
    form = client.get(url)
    assert yaml.safe_load(form.context["texte"])["code"] == "2024"
    response = client.post(url, {"date_effet": "2024-07-01", "motif": "x", "parametres": "code: [2024\n  annee: 2024"})
    assert response.status_code == 400
    assert "ligne" in response.content.decode() and "YAML invalide" in response.content.decode()
    assert VersionParametres.objects.count() == 1
