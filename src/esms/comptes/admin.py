from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from esms.comptes.models import AuditEvent, User


@admin.register(User)
class EsmsUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Rôle et périmètre", {"fields": ("role", "region", "organismes", "etablissements")}))
    list_display = ("username", "email", "role", "region", "is_active")
    list_filter = ("role", "region", "is_active")
    raw_id_fields = ("organismes", "etablissements")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id", "actor_label")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
