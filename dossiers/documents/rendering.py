"""Shared helpers for the one-stop forms (Circular 01/2018/TT-VPCP) rendered as PDF.

Every slip is a Django template extending `dossiers/slips/base_slip.html`, rendered in the
form's legal language and turned into a PDF by WeasyPrint. WeasyPrint is imported inside
`render_pdf` because it is slow to import and only workers (and the bounded counter path
for the reception slip) need it.
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .. import providers

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Local resources only: slips never reach out to the network (no remote fonts or images).
_ALLOWED_URL_SCHEMES = frozenset({"file", "data"})
_PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")
QR_MASK = 0


def render_html(template_name: str, context: dict, *, language: str = "vi") -> str:
    """The slip's HTML, rendered with `language` active."""
    with translation.override(language):
        return render_to_string(template_name, context)


_tools = threading.local()


def _weasyprint_tools():
    """WeasyPrint's font configuration and URL fetcher, built once per thread.

    Building a `FontConfiguration` asks fontconfig for the system fonts; reusing it across
    renders keeps the fonts it has already loaded (the slips declare no `@font-face`, so
    one configuration serves every slip). One per thread, since Pango's font map is not
    meant to be shared between threads (a threaded web worker may render a slip as a
    fallback). The fetcher allows `file:` and `data:` URLs only.
    """
    tools = getattr(_tools, "value", None)
    if tools is None:
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        tools = _tools.value = (
            FontConfiguration(),
            URLFetcher(allowed_protocols=_ALLOWED_URL_SCHEMES, timeout=5),
        )
    return tools


def render_pdf(template_name: str, context: dict, *, language: str = "vi") -> bytes:
    """Render a slip template to PDF bytes.

    Relative URLs resolve against `settings.BASE_DIR` (e.g. `static/img/...`); only
    `file:` and `data:` URLs are fetched. Fonts come from the system through the CSS
    stack "Noto Sans", "DejaVu Sans" (Debian fonts-noto-core / fonts-dejavu-core).
    Images are embedded as they are (`optimize_images` off), no PDF/A variant.
    """
    import weasyprint  # heavy import: keep it out of module import time

    font_config, url_fetcher = _weasyprint_tools()
    html = render_html(template_name, context, language=language)
    document = weasyprint.HTML(
        string=html, base_url=f"{settings.BASE_DIR}/", url_fetcher=url_fetcher
    )
    return document.write_pdf(font_config=font_config, optimize_images=False)


def qr_svg_data_uri(text: str) -> str:
    """A QR code (error correction M, no quiet zone) as an SVG `data:` URI.

    The SVG is vector, so its printed size is set by CSS; leave white space around it in
    the layout instead of a border. The mask pattern is fixed: choosing the "best" of the
    eight (the encoder's default) took most of the QR's time in a slip render (issue #15),
    and every mask gives a valid code that phone readers decode.
    """
    import segno

    qr = segno.make_qr(text, error="m", boost_error=False, mask=QR_MASK)
    return qr.svg_data_uri(scale=4, border=0, dark="#000", light="#fff", omit_charset=True)


def format_vn_moment(dt: datetime) -> str:
    """A moment as written on the forms, in Vietnam time: "14 giờ 05 phút, ngày 24/11/2026".

    A naive datetime is taken as already being Vietnam local time.
    """
    local = timezone.make_aware(dt, VN_TZ) if timezone.is_naive(dt) else dt.astimezone(VN_TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def format_vn_place_date(place: str, dt: datetime) -> str:
    """The dateline under the national motto: "Hà Nội, ngày 24 tháng 11 năm 2026"."""
    local = timezone.make_aware(dt, VN_TZ) if timezone.is_naive(dt) else dt.astimezone(VN_TZ)
    date = f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"
    return f"{place}, {date}" if place else date


def format_vnd(amount: int) -> str:
    """An amount in Vietnamese dong with dot thousands separators: "50.000 đồng"."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def slip_header_context(office, *, at: datetime | None) -> dict:
    """The context `base_slip.html` needs for its header: agency block and dateline.

    `office` is the issuing `offices.Office` (or None); the line above it is its parent
    office, or Vietnam Social Security for a provincial office.
    """
    parent = getattr(office, "parent", None) if office else None
    place = ""
    if office is not None:
        place = office.province_name
        for prefix in _PROVINCE_PREFIXES:
            if place.startswith(prefix):
                place = place[len(prefix) :]
                break
    return {
        "superior_agency": (parent.name if parent else "Bảo hiểm xã hội Việt Nam").upper(),
        "agency_name": office.name.upper() if office else "",
        "dateline": format_vn_place_date(place, at) if at else "",
    }


# --- accommodation needs of the person a letter is addressed to ----------------------
#
# The registry (beneficiaries.Person) records large print, an interpreter, help with
# online steps and a preferred language. The legal text stays Vietnamese; the notice is
# Vietnamese with an English line under each sentence when the person reads Vietnamese
# poorly (an interpreter or another preferred language), so it is fixed wording here,
# not a translation-catalogue string that would follow the reader's UI language.

# Preferred-language codes of beneficiaries.constants.PreferredLanguage, as the notice
# names them: (Vietnamese, English).
LANGUAGE_NAMES = {
    "vi": ("tiếng Việt", "Vietnamese"),
    "en": ("tiếng Anh", "English"),
    "km": ("tiếng Khmer", "Khmer"),
    "zh": ("tiếng Trung (tiếng Hoa)", "Chinese"),
    "hmn": ("tiếng H'Mông", "Hmong"),
    "sgn": ("ngôn ngữ ký hiệu Việt Nam", "Vietnamese Sign Language"),
    "other": ("một ngôn ngữ khác tiếng Việt", "a language other than Vietnamese"),
}
NOTICE_HEADING = ("Hỗ trợ dành cho Ông/Bà", "Support for you")
# The needs as the control sheet (for officers) lists them.
NEED_LABELS_VI = {
    "interpreter": "Cần phiên dịch",
    "large_print": "Văn bản in chữ cỡ lớn",
    "assisted_digital": "Cần hỗ trợ thực hiện thủ tục trực tuyến",
    "language": "Ngôn ngữ sử dụng",
}


def applicant_national_id(dossier) -> str:
    """The applicant's CCCD: the applicant snapshot, else the form's personal-ID field."""
    if dossier.applicant_national_id:
        return dossier.applicant_national_id
    data = dossier.data or {}
    for field in dossier.version.field_definitions():
        if field.get("prefill") == "national_id" and data.get(field["name"]):
            return str(data[field["name"]])
    return ""


def _interpreter_notice(language: str, phone: str) -> tuple[str, str]:
    if language == "sgn":
        who_vi, who_en = "người phiên dịch ngôn ngữ ký hiệu", "a sign language interpreter"
    elif language in LANGUAGE_NAMES and language not in ("vi", "other"):
        name_vi, name_en = LANGUAGE_NAMES[language]
        who_vi, who_en = f"người phiên dịch {name_vi}", f"an interpreter ({name_en})"
    else:
        who_vi, who_en = "người phiên dịch", "an interpreter"
    vi = f"Khi Ông/Bà đến Bộ phận Một cửa, cơ quan bảo hiểm xã hội bố trí {who_vi} miễn phí."
    en = f"We will arrange {who_en} free of charge when you come to the counter."
    if phone:
        vi += f" Đề nghị Ông/Bà báo trước qua số điện thoại {phone}."
        en += f" Please call {phone} before you come."
    return vi, en


def accommodation_notices(preferences: dict, *, office_phone: str = "") -> list[dict]:
    """The sentences of the support notice, each {"vi", "en"} ("en" empty when not needed)."""
    language = preferences.get("language") or "vi"
    bilingual = bool(preferences.get("interpreter")) or language != "vi"
    sentences = []
    if preferences.get("interpreter"):
        sentences.append(_interpreter_notice(language, office_phone))
    if language != "vi":
        name_vi, name_en = LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["other"])
        sentences.append(
            (
                f"Ngôn ngữ Ông/Bà đã đăng ký sử dụng: {name_vi}. "
                "Nội dung có giá trị pháp lý của văn bản này được thể hiện bằng tiếng Việt.",
                f"Your preferred language: {name_en}. "
                "The legally binding text of this letter is in Vietnamese.",
            )
        )
    if preferences.get("assisted_digital"):
        sentences.append(
            (
                "Nhân viên Bộ phận Một cửa sẽ hướng dẫn, hỗ trợ Ông/Bà thực hiện các bước trực "
                "tuyến (tra cứu hồ sơ, bổ sung giấy tờ, nhận kết quả).",
                "Counter staff will help you with the online steps (tracking the dossier, "
                "adding documents, receiving the result).",
            )
        )
    return [{"vi": vi, "en": en if bilingual else ""} for vi, en in sentences]


def _preferences(national_id: str) -> dict:
    return providers.letter_preferences(national_id=national_id or "")


def accommodation_context(national_id: str, *, office=None) -> dict:
    """What `base_slip.html` needs to honour the addressee's needs (one registry query).

    `large_print` switches the letter to the large-print layout; `accommodation_notices`
    fills the support box. A person not in the registry gets the normal letter.
    """
    preferences = _preferences(national_id)
    office_phone = (getattr(office, "phone", "") or "") if office is not None else ""
    notices = accommodation_notices(preferences, office_phone=office_phone)
    bilingual = any(notice["en"] for notice in notices)
    return {
        "large_print": bool(preferences.get("large_print")),
        "accommodation_notices": notices,
        "accommodation_heading": NOTICE_HEADING if bilingual else (NOTICE_HEADING[0], ""),
    }


def applicant_needs_for_officers(national_id: str) -> dict:
    """For internal sheets: the needs listed in Vietnamese, never the large-print layout."""
    preferences = _preferences(national_id)
    needs = []
    language = preferences.get("language") or "vi"
    name_vi = LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["other"])[0]
    if preferences.get("interpreter"):
        needs.append(
            f"{NEED_LABELS_VI['interpreter']} ({name_vi})"
            if language != "vi"
            else NEED_LABELS_VI["interpreter"]
        )
    elif language != "vi":
        needs.append(f"{NEED_LABELS_VI['language']}: {name_vi}")
    if preferences.get("large_print"):
        needs.append(NEED_LABELS_VI["large_print"])
    if preferences.get("assisted_digital"):
        needs.append(NEED_LABELS_VI["assisted_digital"])
    return {"large_print": False, "accommodation_notices": [], "applicant_needs": needs}
