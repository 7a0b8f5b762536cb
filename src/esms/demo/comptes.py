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
# The demo national administrator's TOTP secret (hex, as django-otp stores it) and single-use backup codes:
# local demo only, printed by `esms demo` so that the two-factor step can be passed without a phone.
DEMO_TOTP_KEY = "455353206e756d657269717565206465"
DEMO_CODES_SECOURS = [f"demo-secours-{i:02d}" for i in range(1, 11)]


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
            ("porteur.demo", Role.RESPONSABLE_OG, {"organismes": [ej]}, f"EJ {ej}"),
            ("gestionnaire.demo", Role.GESTIONNAIRE_ESSMS, {"etablissements": ets}, "ET " + ", ".join(ets)),
            ("editeur.demo", Role.EDITEUR, {"etablissements": ets}, "ET " + ", ".join(ets)),
        ]
    accounts = []
    for username, role, scope, perimetre in wanted:
        if not User.objects.filter(username=username).exists():
            create_user(actor=SYSTEME, username=username, password=DEMO_PASSWORD, role=role, **scope)
        accounts.append(DemoAccount(username, role, perimetre))
    _double_facteur_demo(User.objects.get(username="admin.cnsa"))
    return accounts


def _double_facteur_demo(admin: User) -> None:
    """The demo administrator's authenticator (known secret) and fresh backup codes (re-issued each run)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from esms.comptes.double_facteur import codes_de_secours

    TOTPDevice.objects.update_or_create(user=admin, name="Démonstration",
                                        defaults={"key": DEMO_TOTP_KEY, "confirmed": True})
    codes_de_secours(admin, DEMO_CODES_SECOURS)
