"""Usages app: registers the scope paths of its models in the permission layer."""

from django.apps import AppConfig


class UsagesConfig(AppConfig):
    name = "esms.usages"
    verbose_name = "Usages et preuves"

    def ready(self) -> None:
        from esms.comptes.permissions import register_scope
        from esms.usages.models import Preuve, RapportIndicateurs, ValidationUsage

        # Reports are scoped to their establishment (an ESSMS manager sees its own); evidence and
        # validations to the dossier's members, like the dossier itself.
        register_scope(RapportIndicateurs, region="dossier__regions__code", ej="dossier__grappe__porteur_id",
                       et="etablissement_id", multi=True)
        register_scope(Preuve, region="dossier__regions__code", ej="dossier__grappe__porteur_id",
                       et="dossier__grappe__membres__etablissement_id", multi=True)
        register_scope(ValidationUsage, region="dossier__regions__code", ej="dossier__grappe__porteur_id",
                       et="dossier__grappe__membres__etablissement_id", multi=True)
