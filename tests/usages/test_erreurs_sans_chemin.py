"""No refusal of an evidence file shows a server path: DuckDB's own errors name the temporary file it read
(/tmp/…, the media folder); they are turned into French messages that name the uploaded file only (issue 9,
point 8)."""

from __future__ import annotations

import re

import pytest

from esms.usages import services
from esms.usages.erreurs import PreuveInvalide
from tests.usages.fabrique import DEBUT, FIN, csv_bytes

CHEMIN = re.compile(r"(/[\w.\-]+){2,}|[A-Za-z]:\\")

CAS = {
    "faux parquet": (b"PAR1 tronque", "x.parquet"),
    "parquet sans pied": (b"PAR1" + b"\0" * 64 + b"PAR1", "x.parquet"),
    "ndjson cassé": (b'{"resourceType": "AuditEvent", "recorded": \n{pas du json}\n', "x.ndjson"),
    "csv guillemet": (csv_bytes(['"U1;010000107;2024-12-01T10:00:00+01:00;creation;x']), "x.csv"),
}


@pytest.mark.parametrize("cas", list(CAS))
def test_le_refus_ne_montre_aucun_chemin_du_serveur(suivi, porteur, cas, settings):
    contenu, nom = CAS[cas]
    with pytest.raises(PreuveInvalide) as refus:
        services.deposer_preuve(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom=nom, debut=DEBUT, fin=FIN)
    message = " ".join(refus.value.messages)
    assert message.startswith(nom), message
    assert not CHEMIN.search(message), message
    assert str(settings.MEDIA_ROOT) not in message and "/tmp" not in message, message
