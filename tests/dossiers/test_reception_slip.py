import datetime as dt
import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader

from dossiers.documents.reception_slip import reception_slip_context, render_reception_slip
from dossiers.documents.rendering import format_vn_moment, qr_svg_data_uri, render_html
from dossiers.models import Dossier, DossierDocument, PaperReceipt
from dossiers.tracking import code_from_token
from tests.factories import UserFactory

UTC = dt.UTC
CODE = "000.00.01.G12-261124-0001"
SITE_URL = "https://dichvucong.example.vn"


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.split())


@pytest.fixture
def counter_dossier(catalogue, offices, settings):
    settings.SITE_URL = SITE_URL
    office = offices[1]
    procedure = catalogue["sickness-benefit"]
    version = procedure.versions.order_by("-effective_from").first()
    officer = UserFactory(counter_officer=True, full_name="Trần Văn Bình", office=office)
    dossier = Dossier.objects.create(
        procedure=procedure,
        version=version,
        channel="counter",
        applicant_name="Nguyễn Thị Hồng Nhung",
        applicant_address="Số 12 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội",
        applicant_phone="0912345678",
        applicant_email="nhung.nguyen@example.vn",
        return_method="counter",
        receiving_office=office,
        competent_office=office,
        created_by=officer,
        paper_sets=1,
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        state="received",
        code=CODE,
        received_by=officer,
        submitted_at=dt.datetime(2026, 2, 24, 2, 30, tzinfo=UTC),
        received_at=dt.datetime(2026, 2, 24, 2, 30, tzinfo=UTC),  # 09:30 in Hà Nội
        due_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC),  # 10:00 in Hà Nội
    )
    components = list(version.components.order_by("position")[:2])
    PaperReceipt.objects.create(
        dossier=dossier, component=components[0], original_or_copy="original", quantity=1
    )
    PaperReceipt.objects.create(
        dossier=dossier, component=components[1], original_or_copy="copy", quantity=2
    )
    dossier.refresh_from_db()
    return dossier


def test_format_vn_moment_converts_utc_to_vietnam_time():
    moment = dt.datetime(2026, 11, 24, 7, 5, tzinfo=UTC)

    assert format_vn_moment(moment) == "14 giờ 05 phút, ngày 24/11/2026"


def test_format_vn_moment_crosses_midnight_into_the_next_vietnamese_day():
    moment = dt.datetime(2026, 3, 1, 18, 30, tzinfo=UTC)

    assert format_vn_moment(moment) == "01 giờ 30 phút, ngày 02/03/2026"


@pytest.mark.django_db
def test_reception_slip_pdf_shows_the_legal_content(counter_dossier):
    pdf = render_reception_slip(counter_dossier)

    assert pdf.startswith(b"%PDF")
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (420, 595)  # A5 portrait in points
    text = _pdf_text(pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI" in text
    assert CODE in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert counter_dossier.procedure.name_vi in text
    assert "09 giờ 30 phút, ngày 24/02/2026" in text
    assert "10 giờ 00 phút, ngày 02/03/2026" in text
    assert f"{counter_dossier.version.time_limit} ngày làm việc" in text
    assert "Tại Bộ phận Một cửa" in text
    assert "Không thu phí" in text
    assert "Trần Văn Bình" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.django_db
def test_reception_slip_text_matches_poppler_extraction(counter_dossier):
    pdf = render_reception_slip(counter_dossier)

    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
        timeout=30,
    )
    text = " ".join(result.stdout.decode("utf-8").split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "10 giờ 00 phút, ngày 02/03/2026" in text


@pytest.mark.django_db
def test_reception_slip_carries_a_qr_code_for_the_tracking_url(counter_dossier):
    context = reception_slip_context(counter_dossier)

    # The public tracking page of this very dossier, with its signed tracking token.
    url = context["tracking_url"]
    path, _, query = url.partition("?t=")
    assert path == f"{SITE_URL}/track/{CODE}/"
    assert code_from_token(query) == CODE
    assert context["qr_data_uri"] == qr_svg_data_uri(url)
    assert context["qr_data_uri"].startswith("data:image/svg+xml,")
    html = render_html("dossiers/slips/reception.html", context)
    assert context["qr_data_uri"] in html


@pytest.mark.django_db
def test_reception_slip_lists_paper_received_at_the_counter(counter_dossier):
    context = reception_slip_context(counter_dossier)

    receipts = PaperReceipt.objects.filter(dossier=counter_dossier).select_related("component")
    by_name = {r.component.name_vi: r for r in receipts}
    assert [row["name"] for row in context["documents"]] == list(by_name)
    assert [(row["form"], row["quantity"]) for row in context["documents"]] == [
        ("Bản chính", 1),
        ("Bản sao", 2),
    ]
    assert context["paper_sets"] == "01"
    assert context["officer_name"] == "Trần Văn Bình"


@pytest.mark.django_db
def test_online_dossier_lists_uploads_by_component(catalogue, offices, settings):
    settings.SITE_URL = SITE_URL
    procedure = catalogue["sickness-benefit"]
    version = procedure.versions.order_by("-effective_from").first()
    dossier = Dossier.objects.create(
        procedure=procedure,
        version=version,
        channel="online",
        applicant_name="Lê Minh Đức",
        return_method="electronic",
        competent_office=offices[1],
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        state="submitted",
        code="000.00.01.G12-261124-0002",
        submitted_at=dt.datetime(2026, 11, 24, 7, 5, tzinfo=UTC),
        due_at=dt.datetime(2026, 12, 3, 7, 5, tzinfo=UTC),
    )
    component = version.components.order_by("position").first()
    for name, source in [("a.pdf", "upload"), ("b.jpg", "upload"), ("slip.pdf", "generated")]:
        DossierDocument.objects.create(
            dossier=dossier,
            component=None if source == "generated" else component,
            source=source,
            file=f"dossiers/{name}",
            original_name=name,
            content_type="application/pdf",
            size=100,
            sha256="0" * 64,
        )
    dossier.refresh_from_db()

    context = reception_slip_context(dossier)

    assert context["documents"] == [
        {"name": component.name_vi, "form": "Bản điện tử", "quantity": 2}
    ]
    assert context["officer_name"] == "Tiếp nhận trực tuyến"
    assert context["received_moment"] == "14 giờ 05 phút, ngày 24/11/2026"
    assert context["return_method"] == "Trực tuyến trên tài khoản Cổng dịch vụ công"
    assert context["agency_name"] == "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI"
    assert render_reception_slip(dossier).startswith(b"%PDF")


# --- the download serves what the worker stored ----------------------------------------


RECEIVED = dt.datetime(2026, 2, 24, 2, 30, tzinfo=UTC)


def _no_render_in_request(monkeypatch):
    import dossiers.documents.reception_slip as module

    def refuse(*args, **kwargs):
        raise AssertionError("the slip was rendered in the request")

    monkeypatch.setattr(module, "render_reception_slip", refuse)


@pytest.mark.django_db
def test_the_worker_renders_the_slip_and_the_download_serves_it_without_rendering(
    counter_dossier, client, monkeypatch
):
    import time_machine
    from django.urls import reverse

    from dossiers.models import Slip
    from dossiers.tasks import reception_slip_generate

    reception_slip_generate.delay(counter_dossier.pk)
    stored = Slip.objects.get(dossier=counter_dossier, kind="reception")
    _no_render_in_request(monkeypatch)
    client.force_login(counter_dossier.received_by)
    with time_machine.travel(RECEIVED + dt.timedelta(seconds=3), tick=False):
        response = client.get(reverse("dossiers:reception_slip", args=[counter_dossier.reference]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf == stored.file.open("rb").read()
    assert CODE in _pdf_text(pdf)


@pytest.mark.django_db
def test_a_slip_not_rendered_yet_is_being_prepared_then_rendered_once_as_a_fallback(
    counter_dossier, client, monkeypatch, settings
):
    import time_machine
    from django.urls import reverse
    from django.utils import translation

    from dossiers.models import Slip

    settings.RECEPTION_SLIP_WAIT_SECONDS = 30
    url = reverse("dossiers:reception_slip", args=[counter_dossier.reference])
    client.force_login(counter_dossier.received_by)
    with monkeypatch.context() as patched:
        _no_render_in_request(patched)
        with (
            time_machine.travel(RECEIVED + dt.timedelta(seconds=5), tick=False),
            translation.override("en"),
        ):
            waiting = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert waiting.status_code == 202
    assert waiting["Retry-After"] == "2"
    page = waiting.content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'data-testid="slip-preparing"' in page
    assert not Slip.objects.filter(dossier=counter_dossier).exists()

    # The worker never came (broker down): after the wait the slip is rendered once, kept.
    with time_machine.travel(RECEIVED + dt.timedelta(seconds=31), tick=False):
        late = client.get(url)
    assert late.status_code == 200
    assert CODE in _pdf_text(b"".join(late.streaming_content))
    assert Slip.objects.filter(dossier=counter_dossier, kind="reception").count() == 1


def _text_positions(pdf: bytes) -> dict[str, float]:
    """The x position (points from the left edge) where each run of text starts."""
    positions: dict[str, float] = {}

    def visit(text, cm, tm, font_dict, font_size):
        text = text.strip()
        if text and text not in positions:
            positions[text] = cm[4] + tm[4] * cm[0]

    PdfReader(BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return positions


@pytest.mark.django_db
def test_reception_slip_tables_keep_their_column_widths(counter_dossier):
    # Fixed table layout (issue #15): the columns are the widths the form sets, whatever
    # the cells hold (pypdf reads a table row as one run, so the header and signature rows
    # are checked). A5 is 420 pt wide with 12 mm (34 pt) margins: 352 pt of text width.
    positions = _text_positions(render_reception_slip(counter_dossier))
    left, width = 34, 352

    # National header: the agency in the left 44 %, the motto in the right 56 %.
    assert positions["BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI"] < left + 0.44 * width
    assert positions["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] > left + 0.44 * width
    # Signatures: two halves.
    assert positions["NGƯỜI NỘP HỒ SƠ"] < left + width / 2 < positions["NGƯỜI TIẾP NHẬN HỒ SƠ"]


@pytest.mark.django_db
def test_reception_slips_rendered_one_after_another_read_the_same(counter_dossier):
    # The font configuration and URL fetcher are kept across renders in a worker.
    first = _pdf_text(render_reception_slip(counter_dossier))
    second = _pdf_text(render_reception_slip(counter_dossier))

    assert first == second
    assert "Nguyễn Thị Hồng Nhung" in second
