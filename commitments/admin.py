"""The researchers' workspace. Status updates are added, never edited: the inline on
commitments and motions only adds rows, and saves them through services.record_status_update."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services, tallies, versions
from .choices import DeadlineState, Origin
from .forms import (
    BulkStatusUpdateForm,
    Refused,
    StatusUpdateForm,
    VersionedForm,
    add_service_error,
    with_service_errors,
)
from .models import (
    UPDATE_ORDER,
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
    office_label,
)


class YearFilter(admin.SimpleListFilter):
    """Filter by the year of a date field; years come from the data."""

    title = _("year")
    field = None

    @classmethod
    def for_field(cls, field):
        return type(
            f"{field.title()}YearFilter",
            (cls,),
            {"field": field, "parameter_name": f"{field}_year"},
        )

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates(self.field, "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.field}__year": int(self.value())})
        return queryset


class TrackerAdmin(SimpleHistoryAdmin):
    """Only superusers delete; researchers add and change. Past versions in the history
    can be viewed, never reverted to (SIMPLE_HISTORY_REVERT_DISABLED): a revert would save
    around services.py, and a status update is never changed at all. To undo a change,
    edit the record as usual."""

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # Every save and deletion raises the data version first (``versions``): the admin's
    # own writes of records without a service (persons, ministries, ...) change the public
    # pages' ETag too. Saves through a service raise it there.

    def save_model(self, request, obj, form, change):
        versions.bump()
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        versions.bump()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        versions.bump()
        super().delete_queryset(request, queryset)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("Past versions cannot be restored; edit the record."))
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    list_display = ["__str__", "initials", "key", "needs_review"]
    list_filter = ["needs_review", "offices__ministry", "offices__cabinet", "offices__role"]
    search_fields = ["name", "tussenvoegsel", "first_name", "initials", "key"]
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
    list_display = ["__str__", "party", "key"]
    list_filter = ["party"]
    search_fields = ["name", "tussenvoegsel", "first_name", "party", "key"]


@admin.register(Dossier)
class DossierAdmin(SourcedAdmin):
    list_display = ["number", "title"]
    search_fields = ["number", "title", "key"]


@admin.register(Letter)
class LetterAdmin(SourcedAdmin):
    list_display = ["__str__", "kind", "vergaderjaar", "date", "origin"]
    list_filter = [
        "origin",
        "kind",
        "signatories__ministry",
        "signatories__person",
        YearFilter.for_field("date"),
    ]
    list_select_related = ["dossier"]
    search_fields = [
        "title",
        "number",
        "dossier__number",
        "key",
        "vergaderjaar",
        "kst_id",
        "document_number",
    ]
    readonly_fields = ["origin"]
    autocomplete_fields = [
        "dossier",
        "other_dossiers",
        "signatories",
        "reports_on",
        "text_document",
        "source_document",
    ]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.origin = Origin.RESEARCHER
        services.save_letter(obj)


class StatusUpdateInline(admin.StackedInline):
    """Adds status updates; existing ones are shown read-only and kept forever."""

    model = StatusUpdate
    form = StatusUpdateForm
    extra = 0
    # The bulk action's fields, and what only makes sense for one item at a time.
    fields = [*StatusUpdateForm.Meta.fields, "source_document", "corrects", "researcher", "origin"]
    readonly_fields = ["researcher", "origin"]
    autocomplete_fields = ["evidence_letter", "source_document", "corrects"]
    ordering = list(UPDATE_ORDER)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_service_errors(formset.form, getattr(request, "service_errors", None))
        return formset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description=_("Record status update for the selected items"))
def record_status_update_action(modeladmin, request, queryset):
    """Shows one evidence form, then records the same update for every selected item."""
    if "apply" in request.POST:
        form = BulkStatusUpdateForm(request.POST)
        if form.is_valid():
            values = form.recorded_values()
            try:
                with transaction.atomic():
                    for subject in queryset:
                        services.record_status_update(
                            subject=subject, researcher=request.user, **values
                        )
            except ValidationError as error:
                add_service_error(form, error)  # nothing was recorded
            else:
                warning = services.passage_warning(
                    values["evidence_letter"], values["source_passage"]
                )
                if warning:
                    modeladmin.message_user(request, warning, messages.WARNING)
                modeladmin.message_user(
                    request,
                    ngettext(
                        "Recorded the status update for %(count)d item.",
                        "Recorded the status update for %(count)d items.",
                        len(queryset),
                    )
                    % {"count": len(queryset)},
                    messages.SUCCESS,
                )
                return None
    else:
        form = BulkStatusUpdateForm()
    return TemplateResponse(
        request,
        "admin/commitments/record_status_update.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Record status update"),
            "form": form,
            "queryset": queryset,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


class TrackableAdmin(SourcedAdmin):
    form = VersionedForm
    inlines = [StatusUpdateInline]
    readonly_fields = [
        "status",
        "status_date",
        "status_date_precision",
        "latest_update_on",
        "version",
    ]
    actions = [record_status_update_action]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # The write path refused what the forms passed, and the view's transaction
            # was rolled back: show the same forms again, with its errors on their fields.
            request.service_errors = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return with_service_errors(form, getattr(request, "service_errors", None))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.origin = Origin.RESEARCHER
        try:
            services.save_tracked(
                obj,
                expected_version=form.cleaned_data.get("expected_version"),
                phrase_changed="due_phrase" in form.changed_data,
            )
        except ValidationError as error:
            raise Refused(form, error) from error

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        tallies.refresh(type(form.instance), [form.instance.pk])  # the themes are saved now

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        tallies.refresh(type(obj), [pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        tallies.refresh(queryset.model, ids)

    def save_formset(self, request, form, formset, change):
        if formset.model is not StatusUpdate:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        warnings = []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            try:
                update = services.record_status_update(
                    subject=form.instance,
                    researcher=request.user,
                    **inline_form.recorded_values(),
                )
            except ValidationError as error:
                raise Refused(inline_form, error) from error
            formset.new_objects.append(update)
            warnings.append(services.passage_warning(update.evidence_letter, update.source_passage))
        for warning in filter(None, warnings):
            self.message_user(request, warning, messages.WARNING)


@admin.register(Motion)
class MotionAdmin(TrackableAdmin):
    list_display = [
        "title",
        "kind",
        "kamerstuk",
        "submitter",
        "date",
        "outcome",
        "status",
        "status_date",
    ]
    list_filter = [
        "origin",
        "status",
        "outcome",
        "needs_review",
        "withdrawn",
        "kind",
        "themes",
        "submitter__party",
        YearFilter.for_field("date"),
    ]
    list_select_related = ["dossier", "submitter"]
    search_fields = [
        "title",
        "operative_text",
        "number",
        "dossier__number",
        "submitter__name",
        "key",
        "zaak_number",
    ]
    readonly_fields = [
        *TrackableAdmin.readonly_fields,
        "origin",
        "tk_id",
        "register_decision",
        "register_updated",
        "votes_for",
        "votes_against",
        "withdrawn",
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


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            (DeadlineState.OVERDUE.value, _("overdue")),
            (DeadlineState.NO_NEWS.value, _("no news since the due date")),
            ("30", _("due within 30 days")),
            ("90", _("due within 90 days")),
            ("365", _("due within 365 days")),
            ("review", _("due phrase needs review")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == DeadlineState.OVERDUE:
            return queryset.overdue()
        if value == DeadlineState.NO_NEWS:
            return queryset.no_news()
        if value in {"30", "90", "365"}:
            return queryset.due_within(int(value))
        if value == "review":
            return queryset.filter(due_needs_review=True)
        return queryset


@admin.register(Commitment)
class CommitmentAdmin(TrackableAdmin):
    # What a researcher scans for first, and short enough to fit 1280 px beside the menu
    # and the filters: the title cut short (in full on hover), dates as "17 mei 2023". The
    # date made is in the date bar above the list; the due phrase and status date on the
    # commitment's page.
    list_display = ["short_title", "status", "deadline", "due", "made_by_short"]
    list_filter = [
        "origin",
        DueFilter,
        "status",
        "needs_review",
        "withdrawn",
        "made_by__ministry",
        "made_by__person",
        "made_by__cabinet",
        "themes",
        YearFilter.for_field("made_on"),
    ]
    list_select_related = ["made_by__person", "made_by__ministry"]
    search_fields = ["title", "text", "occasion", "due_phrase", "key", "tk_number"]
    autocomplete_fields = [
        "made_by",
        "source_letter",
        "motion",
        "themes",
        "source_document",
        "fulfilment_letters",
    ]
    readonly_fields = [
        *TrackableAdmin.readonly_fields,
        "due_needs_review",
        "made_on_or_letter",
        "origin",
        "tk_id",
        "register_status",
        "register_updated",
        "register_fulfilment",
        "withdrawn",
    ]
    date_hierarchy = "made_on"

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj):
        return format_html('<span title="{}">{}</span>', obj.title, Truncator(obj.title).chars(70))

    @admin.display(description=_("due"), ordering="due_end")
    def due(self, obj):
        return date_format(obj.due_end, "SHORT_DATE_FORMAT") if obj.due_end else "—"

    @admin.display(description=_("made by"), ordering="made_by__person__name")
    def made_by_short(self, obj):
        """ "Hugo de Jonge, Minister (VWS)": the office without its portfolio."""
        office = obj.made_by
        if office is None:
            return "—"
        ministry = office.ministry
        person = str(office.person) if office.person_id else ""
        return office_label(office.role, ministry.abbreviation, ministry.name, "", person)

    def get_queryset(self, request):
        return super().get_queryset(request).with_deadline_state()

    @admin.display(description=_("deadline"), ordering="deadline_state")
    def deadline(self, obj):
        """ "overdue" or "no news", as the public list marks them."""
        if obj.deadline_state is None:
            return ""
        return DeadlineState(obj.deadline_state).label


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SourcedAdmin):
    """Read-only list of every update; new updates are added on their commitment or motion."""

    list_display = [
        "date",
        "status",
        "subject",
        "evidence_letter",
        "researcher",
        "origin",
        "created_at",
    ]
    list_filter = ["origin", "status", YearFilter.for_field("date")]
    list_select_related = ["commitment", "motion", "evidence_letter__dossier", "researcher"]
    search_fields = ["note", "source_passage", "commitment__title", "motion__title", "key"]
    autocomplete_fields = ["corrects"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("commitment or motion"))
    def subject(self, obj):
        return obj.subject

    def has_delete_permission(self, request, obj=None):
        return False  # kept forever, also for superusers
