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
