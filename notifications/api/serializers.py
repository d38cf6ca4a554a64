"""Output of the inbox API."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.constants import EventKind


class InboxDossierOutputSerializer(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    reference = serializers.UUIDField()
    url = serializers.URLField(help_text="Hồ sơ trong API / The dossier in the API.")


class InboxMessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    event = serializers.ChoiceField(
        choices=EventKind.choices,
        source="event.kind",
        allow_null=True,
        help_text=(
            "Loại sự kiện của hồ sơ; null với tin về số thứ tự tại quầy / The dossier event's "
            "kind; null for a message about a counter queue ticket."
        ),
    )
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True, help_text="Null khi chưa đọc / Null.")
    dossier = serializers.SerializerMethodField()

    @extend_schema_field(InboxDossierOutputSerializer(allow_null=True))
    def get_dossier(self, notification) -> dict | None:
        if notification.event_id is None:
            return None  # a counter queue notice
        dossier = notification.event.dossier
        key = dossier.code or dossier.reference
        path = reverse("dossiers_api:detail", args=[key])
        return {
            "code": dossier.code,
            "reference": dossier.reference,
            "url": self.context["request"].build_absolute_uri(path),
        }


class UnreadCountOutputSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Số tin chưa đọc / Unread messages.")


class MarkedOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Số tin vừa đánh dấu / Messages marked read.")


class InboxListInputSerializer(serializers.Serializer):
    unread = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Chỉ tin chưa đọc / Only unread messages.",
    )
