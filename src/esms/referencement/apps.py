"""Référencement app: the register of Ségur-referenced DUI solutions and the SONS purchase orders."""

from django.apps import AppConfig


class ReferencementConfig(AppConfig):
    name = "esms.referencement"
    verbose_name = "Référencement Ségur et SONS"

    def ready(self) -> None:
        from esms.comptes.permissions import register_scope
        from esms.referencement.models import AppartenanceGht, CommandeSons

        # A SONS order is seen like its establishment (a vendor: establishments that authorised it; the
        # services and selectors narrow a vendor further to its own solutions).
        register_scope(CommandeSons, region="etablissement__region_id", ej="etablissement__organisme_id",
                       et="etablissement_id")
        # A GHT membership is seen and declared like its organisme (ARS agents: their region's organismes).
        register_scope(AppartenanceGht, region="organisme__departement__region_id", ej="organisme_id",
                       et="organisme__etablissements__finess_et", multi=True)
