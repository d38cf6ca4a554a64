"""The registry's part of result documents: what an approved dossier's result confirms.

Registered with `dossiers.results` in `BeneficiariesConfig.ready` (dossiers is the lower
layer and never imports the registry for this).
"""

from __future__ import annotations

from django.utils import timezone

from .constants import HI_CARD_CHILD, HI_CARD_REISSUE, PAYMENT_METHOD_CHANGE, PaymentMethodKind
from .models import HiCard, PaymentMethod


def _date(value) -> str:
    return f"{value:%d/%m/%Y}"


def hi_card_result_facts(dossier) -> list[str]:
    """The card the dossier issued or re-issued: number, validity, initial-care facility.

    The registry is brought in line with the dossier first (safe to repeat), so the
    result never waits on the order in which the workers run.
    """
    from .services import registry_apply_result

    registry_apply_result(dossier=dossier)
    card = (
        HiCard.objects.filter(source_dossier_id=dossier.pk)
        .select_related("person")
        .order_by("-issued_at", "-pk")
        .first()
    )
    if card is None:
        return []
    lines = [
        f"Thẻ bảo hiểm y tế của Ông/Bà {card.person.full_name}: mã số thẻ {card.number}.",
        f"Giá trị sử dụng: từ ngày {_date(card.valid_from)} đến ngày {_date(card.valid_to)}.",
    ]
    if card.facility_name:
        lines.append(f"Nơi đăng ký khám bệnh, chữa bệnh ban đầu: {card.facility_name}.")
    return lines


def _masked(account: str) -> str:
    return f"{'*' * max(len(account) - 4, 0)}{account[-4:]}"


def payment_method_result_facts(dossier) -> list[str]:
    """The payment method the dossier made current, and from when (account masked)."""
    from .services import registry_apply_result

    registry_apply_result(dossier=dossier)
    method = PaymentMethod.objects.filter(source_dossier_id=dossier.pk).order_by("-pk").first()
    if method is None:
        return []
    if method.method == PaymentMethodKind.BANK:
        how = f"chuyển khoản vào tài khoản số {_masked(method.bank_account)}"
        if method.bank_name:
            how += f" tại {method.bank_name}"
    else:
        how = "nhận tiền mặt tại điểm chi trả"
        if method.pay_point_address:
            how += f" {method.pay_point_address}"
    since = timezone.localtime(method.valid_from)
    return [f"Phương thức nhận chế độ: {how}, áp dụng từ ngày {_date(since)}."]


def register() -> None:
    from dossiers.results import result_facts_register

    for slug in (HI_CARD_REISSUE, HI_CARD_CHILD):
        result_facts_register(slug, hi_card_result_facts)
    result_facts_register(PAYMENT_METHOD_CHANGE, payment_method_result_facts)
