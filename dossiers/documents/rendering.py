"""Shared helpers for the one-stop forms (Circular 01/2018/TT-VPCP) rendered as PDF.

Every slip is a Django template extending `dossiers/slips/base_slip.html`, rendered in the
form's legal language and turned into a PDF by WeasyPrint. WeasyPrint is imported inside
`render_pdf` because it is slow to import and only workers (and the bounded counter path
for the reception slip) need it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Local resources only: slips never reach out to the network (no remote fonts or images).
_ALLOWED_URL_SCHEMES = frozenset({"file", "data"})
_PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")


def render_html(template_name: str, context: dict, *, language: str = "vi") -> str:
    """The slip's HTML, rendered with `language` active."""
    with translation.override(language):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict, *, language: str = "vi") -> bytes:
    """Render a slip template to PDF bytes.

    Relative URLs resolve against `settings.BASE_DIR` (e.g. `static/img/...`); only
    `file:` and `data:` URLs are fetched. Fonts come from the system through the CSS
    stack "Noto Sans", "DejaVu Sans" (Debian fonts-noto-core / fonts-dejavu-core).
    """
    import weasyprint  # heavy import: keep it out of module import time
    from weasyprint.urls import URLFetcher

    html = render_html(template_name, context, language=language)
    document = weasyprint.HTML(
        string=html,
        base_url=f"{settings.BASE_DIR}/",
        url_fetcher=URLFetcher(allowed_protocols=_ALLOWED_URL_SCHEMES, timeout=5),
    )
    return document.write_pdf()


def qr_svg_data_uri(text: str) -> str:
    """A QR code (error correction M, no quiet zone) as an SVG `data:` URI.

    The SVG is vector, so its printed size is set by CSS; leave white space around it in
    the layout instead of a border.
    """
    import segno

    qr = segno.make_qr(text, error="m", boost_error=False)
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
