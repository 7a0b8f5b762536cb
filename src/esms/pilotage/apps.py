"""Django application of the steering dashboards."""

from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "esms.pilotage"
    verbose_name = "Pilotage"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from esms.comptes.models import AuditEvent
        from esms.comptes.permissions import register_scope
        from esms.pilotage import impacts
        from esms.referentiel.models import Region

        # A region's dashboard is "in scope" of an ARS agent for its own region only: the permission layer
        # decides it (`get_in_scope`), like for every other scoped object.
        register_scope(Region, region="code")
        # Every audited change that affects a figure marks the precomputed aggregates stale (pilotage.impacts).
        post_save.connect(impacts.sur_evenement, sender=AuditEvent, dispatch_uid="pilotage.impacts")
