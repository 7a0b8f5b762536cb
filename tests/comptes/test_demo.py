"""Demo accounts: one per role, scoped on the référentiel, idempotent."""

from esms.comptes.models import AuditEvent, Role, User
from esms.demo import create_demo_accounts
from tests import factories


def test_demo_accounts_cover_every_role_and_are_idempotent(ref):
    for i in range(3):
        factories.etablissement(ref.ain, ref.og_ara, f"EHPAD DEMO {i}")
    accounts = create_demo_accounts()
    assert {a.role for a in accounts} == set(Role)
    porteur = User.objects.get(username="porteur.demo")
    assert list(porteur.organismes.values_list("pk", flat=True)) == [ref.og_ara.pk]
    assert porteur.check_password("demo-esms-2026")
    assert User.objects.get(username="agent.corse").region_id == "94"
    events = AuditEvent.objects.count()
    create_demo_accounts()
    assert AuditEvent.objects.count() == events


def test_demo_admin_can_pass_the_second_factor(client, ref):
    """The printed backup codes and `esms code_totp` let the demo national administrator in."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings
    from django.urls import reverse

    from esms.demo import DEMO_CODES_SECOURS, DEMO_PASSWORD

    create_demo_accounts()
    client.post(reverse("comptes:login"), {"username": "admin.cnsa", "password": DEMO_PASSWORD})
    assert client.get(reverse("comptes:audit"))["Location"].startswith(reverse("comptes:otp"))
    sortie = StringIO()
    with override_settings(DEBUG=True):
        call_command("code_totp", "admin.cnsa", stdout=sortie)
    assert client.post(reverse("comptes:otp"), {"code": sortie.getvalue().strip()}).status_code == 302
    assert client.get(reverse("comptes:audit")).status_code == 200
    client.post(reverse("comptes:logout"))
    client.post(reverse("comptes:login"), {"username": "admin.cnsa", "password": DEMO_PASSWORD})
    assert client.post(reverse("comptes:otp"), {"code": DEMO_CODES_SECOURS[0]}).status_code == 302
    assert client.get(reverse("comptes:audit")).status_code == 200
