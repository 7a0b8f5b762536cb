"""Admin of API tokens: read-only (tokens are created and revoked through the services: page or command)."""

from django.contrib import admin

from esms.api.models import JetonAPI


@admin.register(JetonAPI)
class JetonAPIAdmin(admin.ModelAdmin):
    list_display = ("nom", "utilisateur", "prefixe", "cree_le", "derniere_utilisation", "expire_le", "revoque_le")
    list_filter = ("revoque_le",)
    search_fields = ("nom", "prefixe", "utilisateur__username")
    readonly_fields = [f.name for f in JetonAPI._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
