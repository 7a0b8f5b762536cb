from django.apps import AppConfig


class SeancesConfig(AppConfig):
    name = "esms.seances"
    verbose_name = "Séances de sélection"

    def ready(self) -> None:
        from esms.comptes.permissions import register_scope
        from esms.seances.models import DecisionSeance, Seance

        # A séance belongs to its region's ARS (a national séance, region empty, to the national administration).
        register_scope(Seance, region="region_id")
        register_scope(DecisionSeance, region="seance__region_id")
