"""Serializers of the public catalogue API: query input and read-only output."""

from rest_framework import serializers

from core.api import ProblemOutputSerializer  # noqa: F401 - re-exported for the views
from procedures.constants import (
    BenefitGroup,
    Channel,
    CompetentOffice,
    FieldType,
    Filer,
    FileType,
    OriginalOrCopy,
    PrefillKey,
    PrefillSource,
    Requirement,
)
from workdays.constants import TimeLimitUnit


class ProcedureListInputSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Từ khóa, có hoặc không dấu / Search words, with or without diacritics.",
    )
    group = serializers.ChoiceField(
        choices=BenefitGroup.choices,
        required=False,
        allow_blank=True,
        help_text="Nhóm chế độ / Benefit group.",
    )


class ProcedureListOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    slug = serializers.SlugField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    summary_vi = serializers.CharField()
    summary_en = serializers.CharField()
    group = serializers.ChoiceField(choices=BenefitGroup.choices)
    group_label = serializers.CharField(
        source="get_group_display", help_text="In the language of the request."
    )
    filer = serializers.ChoiceField(choices=Filer.choices)
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))
    field_inspection = serializers.BooleanField(
        help_text=(
            "Chỉ tiếp nhận tại cơ quan có thẩm quyền / "
            "Only received by the competent office (needs a field inspection)."
        )
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="procedures_api:detail", lookup_field="slug"
    )


class FieldChoiceOutputSerializer(serializers.Serializer):
    value = serializers.CharField()
    label_vi = serializers.CharField()
    label_en = serializers.CharField(required=False, allow_null=True)


class FieldDefinitionOutputSerializer(serializers.Serializer):
    """One field of the applicant form (a JSON object stored on the version)."""

    name = serializers.CharField()
    type = serializers.ChoiceField(choices=FieldType.choices)
    label_vi = serializers.CharField()
    label_en = serializers.CharField(required=False, allow_null=True)
    help_vi = serializers.CharField(required=False, allow_null=True)
    help_en = serializers.CharField(required=False, allow_null=True)
    required = serializers.BooleanField(required=False)
    step = serializers.IntegerField(required=False, help_text="Wizard step (1, 2 or 3).")
    choices = FieldChoiceOutputSerializer(many=True, required=False, allow_null=True)
    prefill = serializers.ChoiceField(choices=PrefillKey.choices, required=False, allow_null=True)


class RequiredWhenOutputSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Tên trường của tờ khai / A form field's name.")
    # `in` is a Python keyword: declared below.


RequiredWhenOutputSerializer._declared_fields["in"] = serializers.ListField(
    child=serializers.CharField(),
    help_text=(
        "Bắt buộc khi giá trị của trường là một trong các giá trị này / Required when the "
        "field's value is one of these."
    ),
)


class DocumentComponentOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    original_or_copy = serializers.ChoiceField(choices=OriginalOrCopy.choices)
    quantity = serializers.IntegerField()
    requirement = serializers.ChoiceField(choices=Requirement.choices)
    condition_vi = serializers.CharField()
    condition_en = serializers.CharField()
    required_when = RequiredWhenOutputSerializer(
        allow_null=True,
        help_text=(
            "Điều kiện dạng máy đọc được của giấy tờ có điều kiện, hoặc null / The machine form "
            "of a conditional document's condition, or null. Documents sharing a "
            "`one_of_group` need only one of them."
        ),
    )
    one_of_group = serializers.CharField(
        allow_blank=True,
        help_text=(
            "Nhóm “một trong”: chỉ cần một giấy tờ của nhóm / A one-of group: one document "
            "of the group is enough (blank when none)."
        ),
    )
    file_types = serializers.ListField(child=serializers.ChoiceField(choices=FileType.choices))
    max_size_mb = serializers.IntegerField()
    prefill_source = serializers.ChoiceField(
        choices=PrefillSource.choices,
        allow_blank=True,
        help_text="Set when VSS already holds the document: the applicant need not provide it.",
    )


class WorkflowOutputSerializer(serializers.Serializer):
    appraisal = serializers.BooleanField(source="step_appraisal")
    leader_signature = serializers.BooleanField(source="step_leader_signature")
    payment_request = serializers.BooleanField(source="step_payment_request")


class ProcedureVersionOutputSerializer(serializers.Serializer):
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)
    legal_basis_vi = serializers.CharField()
    legal_basis_en = serializers.CharField()
    time_limit = serializers.IntegerField(help_text="Statutory time limit, in `time_limit_unit`.")
    time_limit_unit = serializers.ChoiceField(choices=TimeLimitUnit.choices)
    time_limit_unit_label = serializers.CharField(source="get_time_limit_unit_display")
    internal_target = serializers.IntegerField(
        allow_null=True, help_text="Shorter VSS target in the same unit, if any."
    )
    verification_time_limit = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "Longer statutory limit in the same unit that applies when the officer records "
            "that verification is needed (e.g. 45 days for an SI book re-issue), if any."
        ),
    )
    workflow = WorkflowOutputSerializer(source="*")
    components = DocumentComponentOutputSerializer(many=True)
    fields = FieldDefinitionOutputSerializer(many=True, source="field_definitions")


class ProcedureDetailOutputSerializer(ProcedureListOutputSerializer):
    result_type_vi = serializers.CharField()
    result_type_en = serializers.CharField()
    fee_vnd = serializers.IntegerField()
    competent_office = serializers.ChoiceField(choices=CompetentOffice.choices)
    current_version = ProcedureVersionOutputSerializer(
        help_text="The version in force today: legal basis, time limit, workflow, documents."
    )
