"""Référentiel app: registers the scope paths of its models in the permission layer."""

from django.apps import AppConfig


class ReferentielConfig(AppConfig):
    name = "esms.referentiel"
    verbose_name = "Référentiel FINESS"

    def ready(self) -> None:
        from esms.comptes.permissions import register_scope
        from esms.referentiel.models import Etablissement, OrganismeGestionnaire

        register_scope(Etablissement, region="region_id", ej="organisme_id", et="finess_et")
        register_scope(OrganismeGestionnaire, region="departement__region_id", ej="finess_ej",
                       et="etablissements__finess_et")
