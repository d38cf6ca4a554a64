"""Content-Security-Policy and Permissions-Policy on pages and the API; the API docs load
nothing from another origin and run no inline script."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", ["/", "/api/v1/procedures/", "/api/v1/khong-co/"])
def test_pages_and_api_answers_carry_a_strict_policy(client, catalogue, path):
    response = client.get(path)

    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["connect-src"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


def test_no_template_has_inline_script_or_handlers():
    from pathlib import Path

    from django.conf import settings

    folders = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|hx-on|\sstyle\s*=", re.I
    )
    # Slips and letters are rendered to PDF by WeasyPrint, never shown to a browser.
    offenders = [
        f"{path}: {match.group(0)}"
        for folder in folders
        for path in Path(folder).rglob("*.html")
        if "/slips/" not in str(path) and "/letters/" not in str(path)
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_api_docs_load_only_same_origin_files(client):
    page = client.get("/api/docs/")
    html = page.content.decode()

    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in urls
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script
    assert "<style" not in html

    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
