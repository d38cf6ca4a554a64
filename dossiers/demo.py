"""Demo dossiers for `make run`, created through the real services (codes, events, slips)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from accounts.models import User
from procedures.models import Procedure

from .constants import Channel
from .models import Dossier
from .services import (
    ReceiptLine,
    dossier_accept,
    dossier_assign,
    dossier_counter_receive,
    dossier_decide,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_request_supplement,
    dossier_send_to_appraisal,
    dossier_submit,
)

DEMO_MARKER = "demo"


def _sample_values(version, overrides: dict, known: dict | None = None) -> dict:
    """Values for the required fields the person still has to fill in."""
    known = known or {}
    samples = {
        "text": "Bệnh viện Bạch Mai",
        "textarea": "Đề nghị giải quyết theo quy định.",
        "date": "2026-11-16",
        "money": 1500000,
        "integer": 1,
        "cccd": "001090012345",
        "si_code": "0123456789",
        "hi_card": "DN4010123456789",
        "bank_account": "0123456789012",
        "phone": "0912345678",
        "email": "an.nguyen@example.vn",
    }
    values = {}
    for field in version.field_definitions():
        if field.get("required") and field["name"] not in known:
            values[field["name"]] = (
                # The sample CCCD is a man born in 1990: the birth date and gender agree.
                {"date_of_birth": "1990-05-01", "gender": "male"}[field["prefill"]]
                if field.get("prefill") in ("date_of_birth", "gender")
                else field["choices"][0]["value"]
                if field["type"] == "choice"
                else samples[field["type"]]
            )
    values.update(overrides)
    return values


def _certificate_png() -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 400), "white")
    ImageDraw.Draw(image).text((40, 40), "GIAY CHUNG NHAN NGHI VIEC HUONG BHXH", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(300, 300))
    return SimpleUploadedFile("giay-chung-nhan.png", buffer.getvalue(), content_type="image/png")


def _online_sickness(citizen: User) -> Dossier:
    procedure = Procedure.objects.get(slug="sickness-benefit")
    dossier = dossier_draft_create(
        procedure=procedure, actor=citizen, channel=Channel.ONLINE, applicant=citizen
    )
    dossier = dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=_sample_values(dossier.version, {}, dossier.data),
        next_step=4,
        province_code=1,
        address="12 Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
    )
    component = dossier.version.components.get(code="medical_leave_certificate")
    dossier_document_add(
        dossier=dossier, component=component, uploaded=_certificate_png(), actor=citizen
    )
    return dossier_submit(dossier=dossier, actor=citizen)


def _walk_in(counter: User, slug: str, *, name: str, national_id: str, province: int) -> Dossier:
    procedure = Procedure.objects.get(slug=slug)
    dossier = dossier_draft_create(
        procedure=procedure,
        actor=counter,
        channel=Channel.COUNTER,
        applicant_details={
            "name": name,
            "national_id": national_id,
            "province_code": province,
            "address": "Phường Sài Gòn, TP. Hồ Chí Minh",
            "phone": "0987654321",
        },
    )
    dossier = dossier_draft_save(
        dossier=dossier,
        actor=counter,
        values=_sample_values(dossier.version, {"full_name": name, "national_id": national_id}),
        next_step=4,
    )
    lines = [
        ReceiptLine(component=c, original_or_copy=c.original_or_copy, quantity=1)
        for c in dossier.version.components.filter(requirement="mandatory")
    ]
    return dossier_counter_receive(dossier=dossier, officer=counter, receipts=lines)


def demo_dossiers_create(*, citizen: User, counter: User, officer: User, leader: User) -> int:
    """A few dossiers in different states; does nothing when the demo citizen has some."""
    if Dossier.objects.filter(applicant=citizen).exists():
        return 0
    with transaction.atomic():
        submitted = _online_sickness(citizen)
        in_supplement = _online_sickness(citizen)
        dossier_accept(dossier=in_supplement, officer=counter)
        dossier_assign(dossier=in_supplement, leader=leader, officer=officer)
        dossier_request_supplement(
            dossier=in_supplement,
            actor=officer,
            reason="Giấy chứng nhận chưa rõ ngày nghỉ.",
            items=["Giấy chứng nhận nghỉ việc hưởng BHXH (bản rõ nét)"],
        )
        walk_in = _walk_in(
            counter,
            "maternity-benefit-direct",
            name="Phạm Thị Mai",
            national_id="079303012345",
            province=79,
        )
        decided = _walk_in(
            counter,
            "hi-card-reissue-exchange",
            name="Lê Văn Hùng",
            national_id="001085004321",
            province=1,
        )
        dossier_assign(dossier=decided, leader=leader, officer=officer)
        dossier_send_to_appraisal(dossier=decided, officer=officer)
        dossier_decide(
            dossier=decided,
            officer=officer,
            outcome="approved",
            decision_text="Cấp lại thẻ BHYT do bị mất.",
        )
    return len({submitted.pk, in_supplement.pk, walk_in.pk, decided.pk})


# For other set-ups that file through the real services (partners' `sandbox` command).
sample_values = _sample_values
certificate_png = _certificate_png
