from django.contrib import admin

from cslab.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "email",
        "display_name",
        "site_role",
        "is_superuser",
        "is_active",
        "date_joined",
    ]
    list_filter = ["site_role", "is_active", "is_superuser"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["password", "date_joined", "last_login"]
    exclude = ["groups", "user_permissions"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__email"]
