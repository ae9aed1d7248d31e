from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ErrorReport


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "page", "created_at", "handled"]
    list_display_links = ["__str__"]
    list_filter = ["handled", "created_at"]
    search_fields = ["message", "page", "note"]
    readonly_fields = ["created_at"]
    fields = ["page", "message", "email", "created_at", "handled", "note"]
    actions = ["mark_handled"]

    @admin.action(description=_("Mark as handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        queryset.update(handled=True)
