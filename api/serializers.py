"""The JSON of the open data API. Records are named by their ``key`` (the same as in the
site's addresses and the CSV ``id`` column), never by a database id; related records
appear as their keys, or nested where the key alone says little (offices, submitters)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments import scorecards
from commitments.models import (
    Commitment,
    DeadlineState,
    Letter,
    MemberOfParliament,
    Motion,
    Office,
    Person,
    StatusUpdate,
)


def key_of(**kwargs):
    """The key of a related record (a list of keys with ``many``); null when there is none."""
    if not kwargs.get("many"):
        kwargs.setdefault("allow_null", True)
    return serializers.SlugRelatedField(slug_field="key", read_only=True, **kwargs)


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The absolute address of the record's page on the site."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLField(serializers.CharField):
    """An address, or null where none is recorded (never an empty string)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


def label(**kwargs):
    """The record as the site names it (its ``__str__``)."""
    return serializers.CharField(source="__str__", read_only=True, **kwargs)


class OfficeSerializer(serializers.ModelSerializer):
    label = label(help_text='"Anna Jansen, Minister (VWS), Medische Zorg"')
    person = key_of()
    ministry = key_of(allow_null=False)
    cabinet = key_of()

    class Meta:
        model = Office
        fields = ["key", "label", "role", "person", "ministry", "cabinet", "portfolio"]
        fields += ["start", "end"]


class PersonOfficeSerializer(OfficeSerializer):
    class Meta(OfficeSerializer.Meta):
        fields = [name for name in OfficeSerializer.Meta.fields if name != "person"]


class PersonSerializer(serializers.ModelSerializer):
    label = label(help_text='"Hugo de Jonge"')
    surname = serializers.CharField(source="name", read_only=True)
    offices = PersonOfficeSerializer(many=True, read_only=True)
    url = PageURLField()

    class Meta:
        model = Person
        fields = ["key", "label", "first_name", "initials", "tussenvoegsel", "surname"]
        fields += ["offices", "url"]


class MemberSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text='"Jasper van Dijk"')

    class Meta:
        model = MemberOfParliament
        fields = ["key", "label", "party"]


TRACKED = ["status", "status_date", "status_date_precision", "latest_update_on", "themes"]


class CommitmentSerializer(serializers.ModelSerializer):
    made_by = OfficeSerializer(read_only=True, allow_null=True)
    deadline_state = serializers.ChoiceField(
        choices=DeadlineState.choices,
        read_only=True,
        allow_null=True,
        help_text="overdue or no_news once the due date has passed and it is not closed.",
    )
    motion = key_of()
    source_letter = key_of()
    themes = key_of(many=True)
    register_url = OptionalURLField(help_text="The record in the Tweede Kamer's register.")
    url = PageURLField()

    class Meta:
        model = Commitment
        fields = ["key", "title", "text", "made_by", "made_on", "made_on_or_letter"]
        fields += ["occasion", "due_phrase", "due_start", "due_end", *TRACKED, "deadline_state"]
        fields += ["motion", "source_letter", "origin", "tk_number", "register_url", "url"]


class MotionSerializer(serializers.ModelSerializer):
    kamerstuk = serializers.CharField(read_only=True, help_text='"32 735, nr. 118"')
    submitter = MemberSerializer(read_only=True, allow_null=True)
    co_submitters = MemberSerializer(many=True, read_only=True)
    reported_in = key_of()
    themes = key_of(many=True)
    register_url = OptionalURLField(help_text="The record in the Tweede Kamer's register.")
    url = PageURLField()

    class Meta:
        model = Motion
        fields = ["key", "kind", "kamerstuk", "title", "operative_text", "date", "submitter"]
        fields += ["co_submitters", "has_unnamed_co_submitters", *TRACKED, "outcome"]
        fields += ["votes_for", "votes_against", "reported_in", "origin", "register_url", "url"]


class LetterSerializer(serializers.ModelSerializer):
    kamerstuk = serializers.CharField(read_only=True, help_text='"30 420, nr. 415"')
    signatories = OfficeSerializer(many=True, read_only=True)
    source_url = OptionalURLField(source="url")
    text_url = OptionalURLField()
    url = PageURLField()

    class Meta:
        model = Letter
        fields = ["key", "kind", "kamerstuk", "vergaderjaar", "date", "date_precision", "title"]
        fields += ["signatories", "source_url", "text_url", "kst_id", "origin", "url"]


class StatusUpdateSerializer(serializers.ModelSerializer):
    commitment = key_of()
    motion = key_of()
    evidence_letter = key_of()
    corrects = key_of()
    evidence_url = OptionalURLField()
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)
    url = PageURLField(help_text="The page of its commitment or motion.")

    class Meta:
        model = StatusUpdate
        fields = ["key", "commitment", "motion", "date", "date_precision", "status", "note"]
        fields += ["evidence_letter", "evidence_url", "corrects", "recorded_at", "origin", "url"]


# --- Scorecards ----------------------------------------------------------------------------


class FigureLinkSerializer(serializers.Serializer):
    """One number of a scorecard and the list of exactly the rows it counts."""

    count = serializers.IntegerField(read_only=True)
    url = serializers.URLField(
        read_only=True, allow_null=True, help_text="The site's list of these rows."
    )
    api_url = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="The same rows from the API (the same FilterSet, the same query string).",
    )


class FigureSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(scorecards.LABELS), read_only=True)
    label = serializers.CharField(read_only=True)
    now = FigureLinkSerializer(read_only=True)
    year_ago = FigureLinkSerializer(
        read_only=True, help_text="The status on the same day a year ago (the lists' as_of)."
    )


class CardSerializer(serializers.Serializer):
    total = serializers.IntegerField(read_only=True)
    kept = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The share fulfilled, in per cent."
    )
    kept_year_ago = serializers.IntegerField(read_only=True, allow_null=True)
    kept_change = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The change of kept, in percentage points."
    )
    median_days = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Median days from made to fulfilled, over those fulfilled now.",
    )
    figures = FigureSerializer(many=True, read_only=True)


class OverallCardSerializer(CardSerializer):
    subject = serializers.ChoiceField(choices=["commitments", "motions"], read_only=True)
    title = serializers.CharField(read_only=True)


class OverallSerializer(serializers.Serializer):
    year_ago = serializers.DateField(read_only=True)
    cards = OverallCardSerializer(many=True, read_only=True)
    rankings = serializers.DictField(
        child=serializers.URLField(), read_only=True, help_text="The ranking of each grouping."
    )


class RankingRowSerializer(CardSerializer):
    key = serializers.CharField(
        read_only=True, allow_null=True, help_text="Null for the row without a group."
    )
    label = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, allow_null=True, help_text="The person's page.")
    api_url = serializers.URLField(read_only=True, allow_null=True, help_text="The person.")
    inherited = FigureLinkSerializer(
        read_only=True,
        allow_null=True,
        help_text="Persons: what they inherited from predecessors in the same post.",
    )
    inherited_open = FigureLinkSerializer(
        read_only=True, allow_null=True, help_text="Persons: of that, what is not closed now."
    )


class RankingSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(scorecards.GROUPINGS), read_only=True)
    sort = serializers.ChoiceField(choices=scorecards.sort_choices(), read_only=True)
    year_ago = serializers.DateField(read_only=True)
    rows = RankingRowSerializer(many=True, read_only=True)
