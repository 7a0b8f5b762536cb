from django.apps import AppConfig


class BourseConfig(AppConfig):
    name = "esms.bourse"
    verbose_name = "Bourse aux grappes"

    def ready(self) -> None:
        from esms.bourse.models import Besoin, Ouverture, ProjetGrappe, Proposition
        from esms.comptes.permissions import register_scope

        register_scope(Besoin, region="etablissement__region_id", ej="etablissement__organisme_id",
                       et="etablissement_id")
        register_scope(Ouverture, region="grappe__porteur__departement__region_id", ej="grappe__porteur_id")
        register_scope(Proposition, region="besoin__etablissement__region_id",
                       ej="ouverture__grappe__porteur_id", et="besoin__etablissement_id")
        # A proposed new grappe: its suggested porteur, the needs' establishments, the needs' regions.
        register_scope(ProjetGrappe, region="besoins__etablissement__region_id", ej="porteur_id",
                       et="besoins__etablissement_id", multi=True)
