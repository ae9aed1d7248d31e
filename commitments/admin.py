"""The researchers' workspace. Status updates are added, never edited: the inline on
commitments and motions only adds rows, and saves them through services.record_status_update."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Cabinet,
    Commitment,
    Dossier,
    Letter,
    MemberOfParliament,
    Ministry,
    Motion,
    Office,
    Person,
    SourceDocument,
    StatusUpdate,
    Theme,
)

SOURCE_FIELDS = ("source_document", "source_passage")


class TrackerAdmin(SimpleHistoryAdmin):
    """Only superusers delete; researchers add and change."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SourcedAdmin(TrackerAdmin):
    autocomplete_fields = ["source_document"]


@admin.register(SourceDocument)
class SourceDocumentAdmin(TrackerAdmin):
    list_display = ["title", "key", "filename", "ocr"]
    list_filter = ["ocr"]
    search_fields = ["title", "key", "text"]


@admin.register(Ministry)
class MinistryAdmin(SourcedAdmin):
    list_display = ["name", "abbreviation", "key"]
    search_fields = ["name", "abbreviation", "key"]


@admin.register(Cabinet)
class CabinetAdmin(SourcedAdmin):
    list_display = ["name", "start", "end"]
    search_fields = ["name", "key"]


@admin.register(Theme)
class ThemeAdmin(SourcedAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 0
    autocomplete_fields = ["ministry", "cabinet", "source_document"]
    fields = ["role", "ministry", "portfolio", "cabinet", "start", "end", "key"]


@admin.register(Person)
class PersonAdmin(SourcedAdmin):
    list_display = ["__str__", "initials", "key"]
    list_filter = ["offices__ministry", "offices__cabinet", "offices__role"]
    search_fields = ["name", "first_name", "initials", "key"]
    inlines = [OfficeInline]


@admin.register(Office)
class OfficeAdmin(SourcedAdmin):
    list_display = ["__str__", "person", "role", "ministry", "cabinet", "start", "end"]
    list_filter = ["role", "ministry", "cabinet"]
    list_select_related = ["person", "ministry", "cabinet"]
    search_fields = ["person__name", "person__first_name", "portfolio", "ministry__name", "key"]
    autocomplete_fields = ["person", "ministry", "cabinet", "source_document"]


@admin.register(MemberOfParliament)
class MemberOfParliamentAdmin(SourcedAdmin):
    list_display = ["name", "party", "key"]
    list_filter = ["party"]
    search_fields = ["name", "party", "key"]


@admin.register(Dossier)
class DossierAdmin(SourcedAdmin):
    list_display = ["number", "title"]
    search_fields = ["number", "title", "key"]


@admin.register(Letter)
class LetterAdmin(SourcedAdmin):
    list_display = ["__str__", "kind", "vergaderjaar", "date"]
    list_filter = [
        "kind",
        "signatories__ministry",
        "signatories__person",
        ("date", admin.DateFieldListFilter),
    ]
    list_select_related = ["dossier"]
    search_fields = ["title", "number", "dossier__number", "key", "vergaderjaar"]
    autocomplete_fields = [
        "dossier",
        "other_dossiers",
        "signatories",
        "reports_on",
        "text_document",
        "source_document",
    ]
    date_hierarchy = "date"


class StatusUpdateInline(admin.StackedInline):
    """Adds status updates; existing ones are shown read-only and kept forever."""

    model = StatusUpdate
    extra = 0
    fields = [
        "date",
        "status",
        "note",
        "evidence_letter",
        "source_document",
        "source_passage",
        "evidence_url",
        "corrects",
        "researcher",
    ]
    readonly_fields = ["researcher"]
    autocomplete_fields = ["evidence_letter", "source_document", "corrects"]
    ordering = ["date", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TrackableAdmin(SourcedAdmin):
    inlines = [StatusUpdateInline]
    readonly_fields = ["status", "status_date"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not StatusUpdate:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            data = inline_form.cleaned_data
            update = services.record_status_update(
                subject=form.instance,
                date=data["date"],
                status=data["status"],
                note=data.get("note", ""),
                evidence_letter=data.get("evidence_letter"),
                source_document=data.get("source_document"),
                source_passage=data.get("source_passage", ""),
                evidence_url=data.get("evidence_url", ""),
                corrects=data.get("corrects"),
                researcher=request.user,
            )
            formset.new_objects.append(update)


@admin.register(Motion)
class MotionAdmin(TrackableAdmin):
    list_display = ["title", "kind", "kamerstuk", "submitter", "date", "status", "status_date"]
    list_filter = [
        "status",
        "kind",
        "themes",
        "submitter__party",
        ("date", admin.DateFieldListFilter),
    ]
    list_select_related = ["dossier", "submitter"]
    search_fields = [
        "title",
        "operative_text",
        "number",
        "dossier__number",
        "submitter__name",
        "key",
    ]
    autocomplete_fields = [
        "dossier",
        "submitter",
        "co_submitters",
        "reported_in",
        "themes",
        "source_document",
    ]

    @admin.display(description=_("Kamerstuk"))
    def kamerstuk(self, obj):
        return obj.kamerstuk


@admin.register(Commitment)
class CommitmentAdmin(TrackableAdmin):
    list_display = ["title", "made_by", "made_on", "due_phrase", "due_end", "status", "status_date"]
    list_filter = [
        "status",
        "made_by__ministry",
        "made_by__person",
        "made_by__cabinet",
        "themes",
        ("made_on", admin.DateFieldListFilter),
    ]
    list_select_related = ["made_by__person", "made_by__ministry"]
    search_fields = ["title", "text", "occasion", "due_phrase", "key"]
    autocomplete_fields = ["made_by", "source_letter", "motion", "themes", "source_document"]
    date_hierarchy = "made_on"


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SourcedAdmin):
    """Read-only list of every update; new updates are added on their commitment or motion."""

    list_display = ["date", "status", "subject", "evidence_letter", "researcher", "created_at"]
    list_filter = ["status", ("date", admin.DateFieldListFilter)]
    list_select_related = ["commitment", "motion", "evidence_letter__dossier", "researcher"]
    search_fields = ["note", "source_passage", "commitment__title", "motion__title", "key"]
    autocomplete_fields = ["corrects"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
