"""Every citizen page fits a phone: no sideways scrolling and nothing drawn over anything else.

For each phone width a fresh browser context (touch, 2x pixels) walks the pages a citizen
sees, anonymous first, then signed in: the catalogue, the tracker, the filing wizard of a
draft with real uploads, a submitted dossier whose documents were digitised (thumbnails),
one awaiting a supplement, the inbox and the rating of a returned dossier; the sign-up form
and the tracker are also seen with their error messages. On each page a script measures:

1. the page is no wider than the viewport (nor zoomed out to fit), and no element or text
   sticks out past its right edge (except inside a `.table-scroll` container, which scrolls
   sideways by design);
2. no two visible boxes (images, buttons, fields, button links, table cells, cards, list
   items) intersect by more than 1 px unless one contains the other;
3. card lists show no bullet or gutter, and no table cell is squeezed to a word per line.

The dossier page is also measured on a desktop, where the floated thumbnails overlapped too.

Every problem found on every page is reported at once. Nothing asserted depends on the date:
dates are printed in fixed-width formats, and the clock is not pinned because the browser
drops a session cookie that expires before its own (real) clock.

Set MOBILE_SCREENSHOTS to a folder to keep a full-page screenshot of every page visited.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dossiers.constants import Channel, DigitisationStatus, DossierState
from dossiers.digitisation import document_digitise
from dossiers.services import (
    dossier_accept,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
)
from procedures.selectors import version_in_force
from tests.dossiers.conftest import complete_values
from tests.dossiers.factories import make_dossier
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import browser_sign_in

WIDTHS = (360, 390)

# Boxes that must never be drawn over one another.
BOXES = ", ".join(
    [
        "img",
        "button",
        "input:not([type=hidden])",
        "select",
        "textarea",
        "a.button",
        "td",
        "th",
        ".card",
        "main li",
        ".rating-option",
    ]
)

MEASURE = """
async ({boxes, width}) => {
  // Lazy images take their size once loaded: load them all, as scrolling would.
  const images = [...document.images];
  images.forEach((img) => { img.loading = 'eager'; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  const problems = [];
  const name = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    const classes = [...el.classList].join('.');
    if (classes) text += '.' + classes;
    if (el.dataset.testid) text += `[data-testid=${el.dataset.testid}]`;
    const label = (el.getAttribute('alt') || el.getAttribute('aria-label') || el.value
                   || el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40);
    return label ? `${text} "${label}"` : text;
  };
  const shown = (el) => {
    if (!el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) return false;
    if (el.closest('.visually-hidden, .skip-link')) return false;
    // Inside a box clipped to a pixel (visually hidden for screen readers only)?
    for (let up = el; up; up = up.parentElement) {
      const clip = getComputedStyle(up).overflow !== 'visible';
      const box = up.getBoundingClientRect();
      if (clip && (box.width <= 1 || box.height <= 1)) return false;
    }
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // A phone zooms out to fit a page that is too wide: the viewport must keep its width.
  if (window.innerWidth !== width) {
    problems.push(`the browser zoomed out to a ${window.innerWidth} px wide layout`);
  }
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${scrollWidth} px wide on a ${width} px screen`);
  }
  const range = document.createRange();
  const scrolls = (node) => node.parentElement.closest('.table-scroll');
  for (const el of document.querySelectorAll('main *')) {
    if (scrolls(el) || !shown(el)) continue;
    const right = el.getBoundingClientRect().right;
    if (right > width + 0.5) {
      problems.push(`${name(el)} sticks out ${Math.round(right - width)} px to the right`);
    }
  }
  const texts = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    if (!node.textContent.trim() || scrolls(node) || !shown(node.parentElement)) continue;
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > width + 0.5) {
      const by = Math.round(right - width);
      problems.push(`text of ${name(node.parentElement)} sticks out ${by} px to the right`);
    }
  }
  // Cards in a list stand on their own: no bullet beside them, no gutter before them.
  for (const card of document.querySelectorAll('main li.card')) {
    const style = getComputedStyle(card);
    if (style.display === 'list-item' && style.listStyleType !== 'none') {
      problems.push(`${name(card)} has a list bullet`);
    }
    const list = card.parentElement.getBoundingClientRect();
    const gutter = card.getBoundingClientRect().left - list.left;
    if (gutter > 1) problems.push(`${name(card)} sits ${Math.round(gutter)} px in from its list`);
  }
  // A table cell squeezed to a word per line is unreadable.
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (!shown(cell) || !cell.textContent.trim()) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    range.selectNodeContents(cell);  // its own text, not the height of its row
    const lines = Math.round(range.getBoundingClientRect().height / parseFloat(style.lineHeight));
    if (inner < 96 && lines > 3) {
      problems.push(`${name(cell)} is cramped: ${lines} lines in ${Math.round(inner)} px`);
    }
  }
  const seen = [...document.querySelectorAll(boxes)].filter(shown);
  const rects = seen.map((el) => el.getBoundingClientRect());
  for (let i = 0; i < seen.length; i++) {
    for (let j = i + 1; j < seen.length; j++) {
      const a = seen[i], b = seen[j];
      if (a.contains(b) || b.contains(a)) continue;
      const [p, q] = [rects[i], rects[j]];
      const across = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const down = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (across > 1 && down > 1) {
        const size = `${Math.round(across)}x${Math.round(down)} px`;
        problems.push(`${name(a)} overlaps ${name(b)} (${size})`);
      }
    }
  }
  return problems;
}
"""


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)  # a page of dark "lines of text"
    draw = ImageDraw.Draw(image)
    for top in range(60, 740, 50):
        draw.rectangle((60, top, 540 if top % 100 else 420, top + 24), fill=40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(96, 96))
    return buffer.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _upload_and_digitise(dossier, component, citizen) -> None:
    """Real uploads through the intake service, digitised as the worker does after upload.

    A phone photo's short name leaves its line shorter than its thumbnail is tall."""
    files = [
        ("IMG_2041.png", _png(), "image/png"),
        ("giay-chung-nhan-nghi-viec-huong-bhxh-trang-2.pdf", _pdf(), "application/pdf"),
    ]
    for name, data, content_type in files:
        document = dossier_document_add(
            dossier=dossier,
            component=component,
            uploaded=SimpleUploadedFile(name, data, content_type=content_type),
            actor=citizen,
        )
        document = document_digitise(document_id=document.pk)
        assert document.digitisation_status == DigitisationStatus.DONE


@pytest.fixture
def citizen_files(catalogue, offices):
    """A citizen with a draft (uploads done), a submitted dossier and a returned one."""
    citizen = UserFactory(
        citizen=True,
        full_name="Nguyễn Thị Phương Thảo",
        national_id="001190012345",
        username="cd001190012345",
        phone="0912345678",
        email="phuongthao.nguyen@example.vn",
    )
    procedure = catalogue["sickness-benefit"]
    version = version_in_force(procedure=procedure)
    component = version.components.get(code="medical_leave_certificate")
    values = complete_values(version, {"employer": "Công ty TNHH Thương mại Dịch vụ Sao Mai"})

    def draft():
        dossier = dossier_draft_create(
            procedure=procedure, actor=citizen, channel=Channel.ONLINE, applicant=citizen
        )
        dossier = dossier_draft_save(
            dossier=dossier,
            actor=citizen,
            values=values,
            next_step=4,
            province_code=1,
            address="Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
        )
        _upload_and_digitise(dossier, component, citizen)
        return dossier

    submitted = dossier_submit(dossier=draft(), actor=citizen)
    staff = UserFactory(counter_officer=True, office=offices[1])
    submitted = dossier_accept(dossier=submitted, officer=staff)
    returned = make_dossier(
        procedure=catalogue["maternity-benefit-direct"],
        state=DossierState.RETURNED,
        office=offices[79],
        applicant=citizen,
        returned_at=timezone.now(),
    )
    supplement = make_dossier(
        procedure=procedure,
        state=DossierState.SUPPLEMENT_REQUESTED,
        office=offices[1],
        applicant=citizen,
        supplement_reason="Thiếu giấy ra viện có xác nhận của bệnh viện nơi điều trị nội trú.",
    )
    return {
        "citizen": citizen,
        "supplement": supplement,
        "procedure": procedure,
        "draft": draft(),
        "submitted": submitted,
        "returned": returned,
    }


class Walk:
    """A browser context of one screen size that measures each page it is shown."""

    def __init__(self, browser, base_url: str, *, width: int, phone: bool = True):
        self.width = width
        self.context = browser.new_context(
            base_url=base_url,
            locale="vi-VN",
            viewport={"width": width, "height": 800},
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.found: dict[str, list[str]] = {}
        self.visited: list[str] = []
        self.shots = os.environ.get("MOBILE_SCREENSHOTS")

    def measure(self, label: str) -> None:
        self.page.wait_for_load_state("load")
        self.visited.append(label)
        problems = self.page.evaluate(MEASURE, {"boxes": BOXES, "width": self.width})
        if problems:
            self.found[label] = problems
        if self.shots:
            Path(self.shots).mkdir(parents=True, exist_ok=True)
            name = f"{self.width}-{len(self.visited):02d}-{label}.png"
            self.page.screenshot(path=f"{self.shots}/{name}", full_page=True)

    def visit(self, label: str, url: str) -> None:
        response = self.page.goto(url)
        assert response.ok, f"{label}: {url} answered {response.status}"
        self.measure(label)

    def log_in(self, identifier: str) -> None:
        browser_sign_in(self.page, identifier, PASSWORD)  # staff pass the second factor
        expect(self.page.get_by_test_id("landing-heading")).to_be_visible()

    def report(self) -> str:
        return "\n".join(
            f"- {label}:\n    "
            + "\n    ".join(problems[:12])
            + (f"\n    ... and {len(problems) - 12} more" if len(problems) > 12 else "")
            for label, problems in self.found.items()
        )


def _thumbnails_shown(page) -> None:
    thumbnails = page.locator("main img.thumb")
    expect(thumbnails).to_have_count(2)
    assert all(thumbnails.nth(i).evaluate("i => i.naturalWidth > 0") for i in range(2))


@pytest.mark.parametrize("width", WIDTHS)
def test_citizen_pages_fit_a_phone_without_overflow_or_overlap(
    width, browser, live_server, citizen_files
):
    files = citizen_files
    draft, submitted, returned = files["draft"], files["submitted"], files["returned"]
    slug = files["procedure"].slug
    walk = Walk(browser, live_server.url, width=width)
    page = walk.page
    try:
        walk.visit("home", reverse("core:home"))
        walk.visit("catalogue", reverse("procedures:list"))
        walk.visit("procedure", reverse("procedures:detail", args=[slug]))
        walk.visit("login", reverse("accounts:login"))
        walk.visit("signup", reverse("accounts:signup"))
        page.locator("main button[type=submit]").click()  # empty: every field says why
        expect(page.locator("main .errorlist").first).to_be_visible()
        walk.measure("signup-errors")
        walk.visit("tracker", reverse("tracking:track"))
        page.locator("#id_code").fill("000.00.01.G12-261124-9999")
        page.locator("#id_id_last4").fill("0000")
        page.get_by_test_id("track-form").locator("button[type=submit]").click()
        expect(page.get_by_test_id("track-error")).to_be_visible()
        walk.measure("tracker-not-found")
        page.locator("#id_code").fill(submitted.code)
        page.locator("#id_id_last4").fill(files["citizen"].national_id[-4:])
        page.get_by_test_id("track-form").locator("button[type=submit]").click()
        expect(page.get_by_test_id("tracked-dossier")).to_be_visible()
        walk.measure("tracker-result")

        walk.log_in(files["citizen"].national_id)
        walk.measure("landing")
        walk.visit("my-dossiers", reverse("dossiers:mine"))
        walk.visit("wizard-start", reverse("dossiers:start", args=[slug]))
        for step in ("1", "2", "3"):
            walk.visit(
                f"wizard-step-{step}", reverse("dossiers:step", args=[draft.reference, step])
            )
        walk.visit(
            "wizard-documents", reverse("dossiers:step", args=[draft.reference, "documents"])
        )
        walk.visit("wizard-review", reverse("dossiers:step", args=[draft.reference, "review"]))
        walk.visit("dossier", reverse("dossiers:detail", args=[submitted.reference]))
        _thumbnails_shown(page)
        expect(page.get_by_test_id("timeline")).to_be_visible()
        expect(page.get_by_test_id("slip-download")).to_be_visible()
        supplement = files["supplement"]
        walk.visit("supplement", reverse("dossiers:detail", args=[supplement.reference]))
        expect(
            page.get_by_test_id("supplement-request").locator("input[type=file]")
        ).to_be_visible()
        walk.visit("inbox", reverse("notifications:inbox"))
        expect(page.get_by_test_id("inbox")).to_be_visible()
        walk.visit("returned-dossier", reverse("dossiers:detail", args=[returned.reference]))
        walk.visit("rating", reverse("ratings:rate", args=[returned.reference]))
        expect(page.get_by_test_id("rating-form")).to_be_visible()
    finally:
        walk.context.close()

    assert not walk.found, (
        f"At {width} px, {len(walk.found)} of {len(walk.visited)} pages are broken:\n"
        f"{walk.report()}"
    )


def test_document_thumbnails_do_not_overlap_on_a_desktop(browser, live_server, citizen_files):
    walk = Walk(browser, live_server.url, width=1280, phone=False)
    try:
        walk.log_in(citizen_files["citizen"].national_id)
        walk.visit(
            "dossier", reverse("dossiers:detail", args=[citizen_files["submitted"].reference])
        )
        _thumbnails_shown(walk.page)
        walk.visit("my-dossiers", reverse("dossiers:mine"))
    finally:
        walk.context.close()

    assert not walk.found, f"On a desktop:\n{walk.report()}"
