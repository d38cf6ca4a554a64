"""The other one-stop forms of Circular 01/2018/TT-VPCP, and the result document.

- Form 02, request to supplement or complete the dossier (A5);
- Form 03, refusal to receive and handle the dossier (A5);
- Form 04, apology letter with a new return date (A5);
- Form 05, dossier control sheet (A4);
- the notice that processing has stopped, added by Circular 03/2025/TT-VPCP (A5; its
  official content is unconfirmed, so the wording only states facts);
- the result: a decision (approved) or a notice (denied) signed by the office's director
  (A4), to be signed digitally with `dossiers.documents.signing.sign_pdf`.

Like the reception slip these are legal documents: the wording is Vietnamese and lives in
the templates and the label maps below, not in translation catalogues. Each function only
renders; storing the PDF as a `Slip` and the audit event belong to the calling service.

Letters to the applicant honour the accommodation needs the registry holds for their CCCD
(large print, interpreter, help online, preferred language), looked up once per letter;
the control sheet, for officers, lists the needs instead.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from ..constants import Outcome, Timeliness
from ..models import Dossier
from .rendering import (
    accommodation_context,
    applicant_national_id,
    applicant_needs_for_officers,
    format_vn_moment,
    render_pdf,
    slip_header_context,
)

SUPPLEMENT_TEMPLATE = "dossiers/slips/supplement.html"
REFUSAL_TEMPLATE = "dossiers/slips/refusal.html"
APOLOGY_TEMPLATE = "dossiers/slips/apology.html"
STOPPED_TEMPLATE = "dossiers/slips/stopped.html"
CONTROL_SHEET_TEMPLATE = "dossiers/slips/control_sheet.html"
DECISION_TEMPLATE = "dossiers/slips/decision.html"

TIMELINESS_LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}
DECISION_SUBJECT_PREFIX = "Về việc giải quyết "
_PROCEDURE_VERB = "giải quyết "
MOMENT_PLACEHOLDER = "…… giờ …… phút, ngày ……/……/………"

_RELATED = (
    "procedure",
    "version",
    "receiving_office__parent",
    "competent_office__parent",
    "received_by__office__parent",
)


def _reload(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(*_RELATED).get(pk=dossier.pk)


def _front_office(dossier: Dossier, officer=None):
    """The office that deals with the applicant: the officer's, else where it was received."""
    if officer is not None and getattr(officer, "office_id", None):
        return officer.office
    if dossier.receiving_office_id:
        return dossier.receiving_office
    received_by = dossier.received_by
    if received_by is not None and getattr(received_by, "office_id", None):
        return received_by.office
    return dossier.competent_office


def _competent_office(dossier: Dossier):
    return dossier.competent_office or dossier.receiving_office


def _moment(value: datetime | None) -> str:
    return format_vn_moment(value) if value else MOMENT_PLACEHOLDER


def _person_name(user) -> str:
    return user.display_name if user is not None else ""


def _site_home() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/"


def _tracking_home() -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('tracking:track')}"


def _base_context(
    dossier: Dossier, *, office, at: datetime | None, title: str, for_officers: bool = False
) -> dict:
    """What every letter shows: header, dossier code, applicant, request, key times, and
    the applicant's accommodations (for officers: the list of needs, normal print)."""
    national_id = applicant_national_id(dossier)
    return {
        **slip_header_context(office, at=at),
        **(
            applicant_needs_for_officers(national_id)
            if for_officers
            else accommodation_context(national_id, office=office)
        ),
        "title": title,
        "dossier": dossier,
        "code": dossier.code or "",
        "office_name": office.name if office else "",
        "office_address": getattr(office, "address", "") if office else "",
        "office_phone": getattr(office, "phone", "") if office else "",
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "request": dossier.procedure.name_vi,
        "received_moment": _moment(dossier.received_at or dossier.submitted_at),
        "due_moment": _moment(dossier.due_at),
        "moment": format_vn_moment(at) if at else "",
        "tracking_home": _tracking_home(),
    }


def decision_subject(procedure_name: str) -> str:
    """The subject line of the result: "Về việc giải quyết hưởng chế độ ốm đau".

    A name that already starts with "Giải quyết" is not doubled; the first letter of the
    rest is lower-cased unless it starts an acronym (BHXH, BHYT ...).
    """
    name = procedure_name.strip()
    if name.lower().startswith(_PROCEDURE_VERB):
        name = name[len(_PROCEDURE_VERB) :].lstrip()
    if name and not (len(name) > 1 and name[1].isupper()):
        name = name[0].lower() + name[1:]
    return f"{DECISION_SUBJECT_PREFIX}{name}"


def render_supplement_request(
    dossier: Dossier, *, officer, reason: str, missing_items: list[str], at: datetime
) -> bytes:
    """Form 02: what is missing from the dossier, why, and how to supply it (A5 PDF)."""
    dossier = _reload(dossier)
    office = _front_office(dossier, officer)
    context = {
        **_base_context(
            dossier, office=office, at=at, title="Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
        ),
        "missing_items": [item for item in missing_items if item.strip()],
        "reason": reason,
        "site_home": _site_home(),
        "officer_name": _person_name(officer),
    }
    return render_pdf(SUPPLEMENT_TEMPLATE, context, language="vi")


def render_refusal(dossier: Dossier, *, officer, reason: str, at: datetime) -> bytes:
    """Form 03: refusal to receive and handle the dossier, with the reason (A5 PDF)."""
    dossier = _reload(dossier)
    office = _front_office(dossier, officer)
    context = {
        **_base_context(
            dossier, office=office, at=at, title="Phiếu từ chối tiếp nhận giải quyết hồ sơ"
        ),
        "reason": reason,
        "officer_name": _person_name(officer),
    }
    return render_pdf(REFUSAL_TEMPLATE, context, language="vi")


def render_apology(
    dossier: Dossier, *, officer, signer, reason: str, new_due_at: datetime, at: datetime
) -> bytes:
    """Form 04: apology for the delay with the new appointed time (A5 PDF).

    `officer` prepared the letter; `signer`, the office leader, signs it as head of the
    agency ("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"). The late time is the appointment by law
    (`Dossier.statutory_appointment`: moved by supplements, never by an apology).
    """
    dossier = _reload(dossier)
    office = _competent_office(dossier) or _front_office(dossier, officer)
    original_due = dossier.statutory_appointment
    received = dossier.received_at or dossier.submitted_at
    context = {
        **_base_context(
            dossier, office=office, at=at, title="Phiếu xin lỗi và hẹn lại ngày trả kết quả"
        ),
        "received_moment": _moment(received),
        "original_due_moment": _moment(original_due),
        "new_due_moment": format_vn_moment(new_due_at),
        "reason": reason,
        "officer_name": _person_name(officer),
        "signer_name": _person_name(signer),
        "signer_title": "GIÁM ĐỐC",
    }
    return render_pdf(APOLOGY_TEMPLATE, context, language="vi")


def render_stopped_notice(dossier: Dossier, *, officer, reason: str, at: datetime) -> bytes:
    """Notice that processing of the dossier has stopped (Circular 03/2025, A5 PDF)."""
    dossier = _reload(dossier)
    office = _competent_office(dossier) or _front_office(dossier, officer)
    context = {
        **_base_context(dossier, office=office, at=at, title="Thông báo về việc dừng xử lý hồ sơ"),
        "reason": reason,
        "officer_name": _person_name(officer),
    }
    return render_pdf(STOPPED_TEMPLATE, context, language="vi")


def control_sheet_rows(handovers: list[dict]) -> list[dict]:
    """The control sheet's rows, formatted; raises ValueError on an unknown result."""
    rows = []
    for handover in handovers:
        result = handover.get("result") or ""
        if result and result not in TIMELINESS_LABELS:
            raise ValueError(f"Unknown hand-over result: {result!r}")
        rows.append(
            {
                "unit": handover.get("unit", ""),
                "given": _moment(handover.get("given_at")),
                "received": _moment(handover.get("received_at")),
                "giver": handover.get("giver", ""),
                "receiver": handover.get("receiver", ""),
                "result": TIMELINESS_LABELS.get(result, ""),
                "note": handover.get("note", ""),
            }
        )
    return rows


def render_control_sheet(dossier: Dossier, *, handovers: list[dict]) -> bytes:
    """Form 05: one row per hand-over of the dossier between units (A4 portrait PDF).

    Each hand-over is a dict with `unit`, `given_at`, `received_at` (or None), `result`
    ("early", "on_time", "late" or ""), `note`, `giver` and `receiver`.
    """
    dossier = _reload(dossier)
    office = _front_office(dossier)
    competent = _competent_office(dossier)
    context = {
        **_base_context(
            dossier,
            office=office,
            at=None,
            title="Phiếu kiểm soát quá trình giải quyết hồ sơ",
            for_officers=True,
        ),
        "competent_office_name": competent.name if competent else "",
        "rows": control_sheet_rows(handovers),
    }
    return render_pdf(CONTROL_SHEET_TEMPLATE, context, language="vi")


def default_decision_text(dossier: Dossier) -> str:
    """The article an approval without the officer's own wording grants."""
    name = decision_subject(dossier.procedure.name_vi).removeprefix(DECISION_SUBJECT_PREFIX)
    who = f" của Ông/Bà {dossier.applicant_name}" if dossier.applicant_name else ""
    return f"Điều 1. Chấp thuận đề nghị giải quyết {name}{who}, hồ sơ mã số {dossier.code}."


def render_decision(
    dossier: Dossier,
    *,
    outcome: str,
    decision_text: str,
    signer_name: str,
    at: datetime,
    signer_title: str = "GIÁM ĐỐC",
    facts: list[str] | None = None,
) -> bytes:
    """The result: a decision when approved, a notice when denied (A4 PDF).

    Signed by the office's director (`signer_title` "TL. GIÁM ĐỐC" when an officer signs
    on the director's behalf, for procedures without a leader's signature step); the page
    reserves a visible "signed digitally" area. `decision_text` is plain text, one
    paragraph per line; an approval without text grants the request. `facts` are lines
    from the registry the result confirms (the re-issued card's number and validity ...).
    The number is the one given at signing (`dossier.decision_number`), dotted until then.
    """
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown outcome: {outcome!r}")
    dossier = _reload(dossier)
    office = _competent_office(dossier)
    approved = outcome == Outcome.APPROVED
    kind = "QUYẾT ĐỊNH" if approved else "THÔNG BÁO"
    if approved and not decision_text.strip():
        decision_text = default_decision_text(dossier)
    paragraphs = [line.strip() for line in decision_text.splitlines() if line.strip()]
    number = dossier.decision_number or f"………/{'QĐ' if approved else 'TB'}-BHXH"
    context = {
        **_base_context(dossier, office=office, at=at, title=kind.capitalize()),
        # The dateline shares a line with the document number (see decision.html).
        "dateline": "",
        "decision_dateline": slip_header_context(office, at=at)["dateline"],
        "approved": approved,
        "kind": kind,
        "number_line": f"Số: {number}",
        "subject": decision_subject(dossier.procedure.name_vi),
        "authority": f"GIÁM ĐỐC {office.name.upper()}" if office else "GIÁM ĐỐC",
        "paragraphs": paragraphs,
        "facts": [line for line in facts or [] if line.strip()],
        "signer_name": signer_name,
        "signer_title": signer_title,
    }
    return render_pdf(DECISION_TEMPLATE, context, language="vi")
