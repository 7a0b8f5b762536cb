"""Demo accounts, one per role, scoped on real establishments of the imported FINESS référentiel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from esms.comptes.models import Role, User
from esms.comptes.permissions import SYSTEME
from esms.comptes.services import create_user
from esms.referentiel.models import Etablissement, Region

DEMO_PASSWORD = "demo-esms-2026"  # noqa: S105 — local demo only, printed on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    perimetre: str


def _largest_porteur(region: str) -> str | None:
    row = (Etablissement.objects.filter(ouvert=True, categorie__eligible=True, region_id=region)
           .values("organisme_id").annotate(n=Count("pk")).order_by("-n", "organisme_id").first())
    return row["organisme_id"] if row else None


@transaction.atomic
def create_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; return every demo account with its scope."""
    wanted: list[tuple[str, Role, dict, str]] = [
        ("admin.cnsa", Role.ADMIN_NATIONAL, {}, "national"),
    ]
    for code, name in (("84", "ara"), ("11", "idf"), ("94", "corse"), ("32", "hdf"), ("04", "reunion"),
                       ("76", "occitanie")):
        if Region.objects.filter(code=code).exists():
            nom = Region.objects.get(code=code).nom
            wanted.append((f"agent.{name}", Role.AGENT_ARS, {"region": code}, f"région {nom}"))
    ej = _largest_porteur("84")
    if ej:
        ets = list(Etablissement.objects.filter(organisme_id=ej, ouvert=True, categorie__eligible=True)
                   .order_by("finess_et").values_list("pk", flat=True)[:3])
        wanted += [
            ("porteur.demo", Role.PORTEUR, {"organismes": [ej]}, f"EJ {ej}"),
            ("gestionnaire.demo", Role.GESTIONNAIRE_ESSMS, {"etablissements": ets}, "ET " + ", ".join(ets)),
            ("editeur.demo", Role.EDITEUR, {"etablissements": ets}, "ET " + ", ".join(ets)),
        ]
    accounts = []
    for username, role, scope, perimetre in wanted:
        if not User.objects.filter(username=username).exists():
            create_user(actor=SYSTEME, username=username, password=DEMO_PASSWORD, role=role, **scope)
        accounts.append(DemoAccount(username, role, perimetre))
    return accounts
