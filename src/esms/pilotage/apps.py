"""Django application of the steering dashboards."""

from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "esms.pilotage"
    verbose_name = "Pilotage"

    def ready(self) -> None:
        from esms.comptes.permissions import register_scope
        from esms.referentiel.models import Region

        # A region's dashboard is "in scope" of an ARS agent for its own region only: the permission layer
        # decides it (`get_in_scope`), like for every other scoped object.
        register_scope(Region, region="code")
