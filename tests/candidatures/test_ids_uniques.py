"""On the dossier page every HTML id is unique and every label points at its own field: the private annotation
and the message box used to share `id_texte`, so clicking « Annotation privée » put the cursor in the message the
porteur reads (issue 9, point 6). The browser proof is tests/browser/test_annotation_privee.py."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from esms.candidatures import services
from tests.securite.monde import construire

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.cibles: list[str] = []  # label for=…
        self.champs: dict[str, str] = {}  # id → name of the form fields

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
            if tag in ("input", "textarea", "select"):
                self.champs[a["id"]] = a.get("name", "")
        if tag == "label" and a.get("for"):
            self.cibles.append(a["for"])


def _analyser(html: str) -> _Ids:
    p = _Ids()
    p.feed(html)
    return p


@pytest.fixture
def monde(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return construire()


@pytest.mark.parametrize("qui", ["ars_ara", "admin", "porteur_ara"])
def test_chaque_id_de_la_page_dossier_est_unique(client, monde, qui):
    client.force_login(getattr(monde, qui))
    for dossier in (monde.dossier, monde.brouillon):
        page = _analyser(client.get(reverse("candidatures:dossier", args=[dossier.pk])).content.decode())
        doublons = [i for i, n in Counter(page.ids).items() if n > 1]
        assert not doublons, f"ids en double sur la page du dossier {dossier.pk} : {doublons}"
        assert set(page.cibles) <= set(page.ids), "étiquette sans champ"


def test_l_etiquette_de_l_annotation_designe_le_champ_de_l_annotation(client, monde):
    client.force_login(monde.ars_ara)
    html = client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])).content.decode()
    page = _analyser(html)
    assert page.champs["id_annotation_texte"] == "texte"
    assert page.champs["id_message_texte"] == "texte"
    assert 'for="id_annotation_texte"' in html and "Annotation privée — non visible du porteur" in html
    assert "Privé — non visible du porteur" in html


def test_l_annotation_reste_invisible_du_porteur(client, monde):
    services.annoter(actor=monde.ars_ara, dossier=monde.dossier, texte="Note interne confidentielle")
    client.force_login(monde.porteur_ara)
    html = client.get(reverse("candidatures:dossier", args=[monde.dossier.pk])).content.decode()
    assert "Note interne confidentielle" not in html and "id_annotation_texte" not in html
