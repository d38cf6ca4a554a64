"""Output of the HI card look-up (`beneficiaries.selectors.hi_card_status`)."""

from rest_framework import serializers


class HiCardStatusOutputSerializer(serializers.Serializer):
    """Every field is optional: the registry answers with what it holds."""

    valid = serializers.BooleanField(
        required=False,
        help_text=(
            "Thẻ còn giá trị sử dụng hôm nay / The card is valid today (within its validity "
            "and no death recorded)."
        ),
    )
    card_number = serializers.CharField(required=False, help_text="Mã thẻ BHYT / Card number.")
    group = serializers.CharField(required=False, help_text="Mã đối tượng / Beneficiary group.")
    benefit_level = serializers.IntegerField(
        required=False, help_text="Mức hưởng (1-5) / Benefit level (1-5)."
    )
    valid_from = serializers.DateField(required=False, help_text="Giá trị từ / Valid from.")
    valid_to = serializers.DateField(required=False, help_text="Giá trị đến / Valid to.")
    facility_code = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Mã nơi đăng ký KCB ban đầu / Initial care facility code.",
    )
    facility_name = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Nơi đăng ký KCB ban đầu / Initial care facility.",
    )
