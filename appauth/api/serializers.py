from rest_framework import serializers


class CitizenProfileOutputSerializer(serializers.Serializer):
    national_id = serializers.CharField(help_text="Số CCCD / Personal ID number (CCCD).")
    full_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    gender = serializers.CharField(help_text="male | female | ''")
    email = serializers.CharField()
    phone = serializers.CharField()
    preferred_language = serializers.CharField()
    identity_verified = serializers.BooleanField(
        help_text=(
            "Họ tên, ngày sinh, giới tính đã được VNeID xác thực / Name, birth date and gender "
            "were verified by VNeID."
        )
    )


class AppGrantOutputSerializer(serializers.Serializer):
    client_id = serializers.CharField()
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(help_text="Hết hạn / When the access token expires.")


class PartnerAccessOutputSerializer(serializers.Serializer):
    partner = serializers.CharField(help_text="Tên đối tác / The partner's name.")
    kind = serializers.CharField(help_text="ivan | employer | …")
    token = serializers.CharField(help_text="Nhãn của mã truy cập / The token's label.")
    token_prefix = serializers.CharField(help_text="Phần đầu của mã / How the token starts.")
    scopes = serializers.ListField(child=serializers.CharField())
    rate_limit_per_minute = serializers.IntegerField()
    expires_at = serializers.DateTimeField(
        help_text=(
            "Hạn dùng của khoá; xoay khoá trước hạn (POST /api/v1/token/rotate/) / When the "
            "token expires; rotate it before then (POST /api/v1/token/rotate/)."
        )
    )


class MeOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["citizen", "staff", "partner"],
        help_text="Ai đang gọi / Who is calling: a citizen, a staff member or a partner system.",
    )
    role = serializers.CharField(help_text="Vai trò tài khoản / The account's role.")
    citizen = CitizenProfileOutputSerializer(allow_null=True)
    app = AppGrantOutputSerializer(
        allow_null=True,
        help_text=(
            "Với mã truy cập của ứng dụng công dân: ứng dụng và phạm vi được cấp / With a "
            "citizen app token: the app and the scopes the citizen granted."
        ),
    )
    partner = PartnerAccessOutputSerializer(allow_null=True)
