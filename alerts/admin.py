"""Read-only view of the subscriptions for researchers: how many follow each target. The
address is personal data: only superusers see it."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_filter = ["target_kind"]
    search_fields = ["target_key"]
    change_list_template = "admin/alerts/subscription/change_list.html"

    def get_list_display(self, request):
        columns = ["target_kind", "target_key", "confirmed", "created_at"]
        return ["email", *columns] if request.user.is_superuser else columns

    def get_search_fields(self, request):
        return ["email", "target_key"] if request.user.is_superuser else ["target_key"]

    def get_fields(self, request, obj=None):
        fields = ["target_kind", "target_key", "language", "created_at", "confirmed_at",
                  "sent_until"]  # fmt: skip
        return ["email", *fields] if request.user.is_superuser else fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(boolean=True, description=_("confirmed"))
    def confirmed(self, obj):
        return obj.is_confirmed

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        counts = (
            Subscription.objects.values("target_kind", "target_key")
            .annotate(
                total=Count("pk"), confirmed=Count("pk", filter=Q(confirmed_at__isnull=False))
            )
            .order_by("-confirmed", "-total", "target_kind", "target_key")
        )
        extra_context = {**(extra_context or {}), "target_counts": counts}
        return super().changelist_view(request, extra_context)
