"""Hostile text in every text input of every page and API operation: never a server error.

Control characters (a NUL byte makes PostgreSQL refuse the query), bidirectional overrides
that disguise what a string says, lone surrogates and overlong text are fed to: the query
parameters the pages and the API read, every text segment of every URL route (from the
URLconf), every field of every form the pages show (read from their HTML), and every string
of every write operation's JSON body (from the OpenAPI document). Query parameters and form
fields are stripped, paths and API bodies refused with 400; nothing answers 500.
"""

import json
import re

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.constants import Role
from tests.api.conftest import partner_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "a\x00b",
    "\x00",
    "x\x1b[31m",
    "\x7f\x9f",
    "fdp.exe\u202e",
    "\u2066x\u2069",
    "' OR 1=1 --",
    "%_\\",
    "Ω" * 300,
]
PARAMETERS = ("q", "code", "state", "tab", "after", "cursor", "procedure", "office", "page_size")


def _pages_without_arguments() -> list[str]:
    paths = set()
    for name in get_resolver().reverse_dict:
        if not isinstance(name, str):
            continue
        try:
            path = reverse(name)
        except NoReverseMatch:
            continue
        if not path.startswith(("/admin/", "/static/", "/i18n/", "/jsi18n/")):
            paths.add(path)
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        for name in resolver.reverse_dict:
            if not isinstance(name, str):
                continue
            try:
                path = reverse(f"{namespace}:{name}")
            except NoReverseMatch:
                continue
            if not path.startswith("/admin/"):
                paths.add(path)
    return sorted(paths)


PAGES = _pages_without_arguments()


def test_the_list_of_pages_covers_pages_and_the_api():
    assert "/procedures/" in PAGES
    assert "/dossiers/worklist/" in PAGES
    assert "/api/v1/dossiers/" in PAGES
    assert len(PAGES) > 30


@pytest.fixture
def callers(offices, catalogue):
    hanoi = offices[1]
    users = {
        "citizen": UserFactory(citizen=True),
        "counter": UserFactory(role=Role.COUNTER_OFFICER, office=hanoi),
        "officer": UserFactory(role=Role.PROCESSING_OFFICER, office=hanoi),
        "supervisor": UserFactory(role=Role.SUPERVISOR),
    }
    return users, partner_client(kind="ivan", name="Hostile I-VAN")


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_any_parameter_never_gives_a_server_error(client, callers, text):
    users, partner = callers
    query = dict.fromkeys(PARAMETERS, text)
    failures = []
    for role, user in [("anonymous", None), *users.items()]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in PAGES:
            status = client.get(path, query).status_code
            if status >= 500:
                failures.append((role, path, status))
    for path in (p for p in PAGES if p.startswith("/api/")):
        status = partner.client.get(path, query).status_code
        if status >= 500:
            failures.append(("partner", path, status))
    assert not failures, failures


def test_control_characters_are_stripped_before_the_view_reads_them(client, callers):
    users, _partner = callers
    client.force_login(users["officer"])

    response = client.get("/dossiers/worklist/", {"q": "Tr\x00ần\u202e"})

    assert response.status_code == 200
    assert response.context["page"].filters.q == "Trần"


# --- URL path segments -------------------------------------------------------------------

# Percent-encoded, as a client sends them: NUL, NUL inside a code, ESC, DEL, C1, the right-to-
# left override, an isolate, a lone surrogate in UTF-8 (Django keeps it percent-encoded) and
# an overlong segment.
HOSTILE_SEGMENTS = [
    "%00",
    "000.00.01.G12-261124-0001%00",
    "a%1b%5b31m",
    "%7f",
    "a%c2%9fb",
    "fdp%e2%80%aeexe",
    "%e2%81%a6x%e2%81%a9",
    "%ed%a0%80",
    "x" * 3000,
]
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_SAMPLES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def _routes(resolver=None, prefix=""):
    """Every route of the URLconf written as a path template (`RoutePattern`s only)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:  # a regular expression (admin, i18n): not ours
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + route)
        else:
            yield prefix + route


def _paths_with_text_segments() -> list[str]:
    """Each route with a text parameter, that parameter as `{}`, the others sample values."""
    templates = set()
    for route in _routes():
        if route.startswith("admin/"):
            continue
        matches = list(_CONVERTER.finditer(route))
        for index, match in enumerate(matches):
            if (match["converter"] or "str") in _SAMPLES:
                continue
            path, end = "", 0
            for other_index, other in enumerate(matches):
                sample = "{}" if other_index == index else _SAMPLES.get(other["converter"], "A1")
                path += route[end : other.start()] + sample
                end = other.end()
            templates.add("/" + path + route[end:])
    return sorted(templates)


PATH_TEMPLATES = _paths_with_text_segments()


def test_the_path_list_covers_codes_references_and_the_api():
    assert "/track/{}/" in PATH_TEMPLATES
    assert any(t.startswith("/api/") for t in PATH_TEMPLATES)
    assert len(PATH_TEMPLATES) > 10


@pytest.mark.parametrize("segment", HOSTILE_SEGMENTS, ids=range(len(HOSTILE_SEGMENTS)))
def test_hostile_text_in_any_path_segment_never_gives_a_server_error(client, callers, segment):
    users, partner = callers
    failures = []
    for role, user in [
        ("anonymous", None),
        ("citizen", users["citizen"]),
        ("officer", users["officer"]),
    ]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for template in PATH_TEMPLATES:
            path = template.format(segment)
            status = client.get(path).status_code
            if status >= 500:
                failures.append((role, path[:80], status))
    for template in (t for t in PATH_TEMPLATES if t.startswith("/api/")):
        status = partner.client.get(template.format(segment)).status_code
        if status >= 500:
            failures.append(("partner", template, status))
    assert not failures, failures


def test_a_control_character_in_the_path_is_a_bad_request(client):
    page = client.get("/track/000.00.01.G12-261124-0001%00/")
    api = client.get("/api/v1/tracking/000.00.01.G12-261124-0001%00/")

    assert page.status_code == 400
    assert "text/html" in page["Content-Type"]
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "control_characters"


# --- form fields of pages ----------------------------------------------------------------

HOSTILE_FORM_VALUES = ["a\x00b\x1b[31m\x7f\x9f", "fdp\u202eexe\u2066x\u2069", "Ω" * 5000]
_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
_FIELD = re.compile(r"<(?:input|textarea|select)\b[^>]*\bname=\"([^\"]+)\"", re.I)
_SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def _form_fields(html: str) -> set[str]:
    return {
        name
        for form in _FORM.findall(html)
        for name in _FIELD.findall(form)
        if name not in _SKIPPED_FIELDS
    }


@pytest.mark.parametrize("text", HOSTILE_FORM_VALUES, ids=range(len(HOSTILE_FORM_VALUES)))
def test_hostile_text_in_any_form_field_never_gives_a_server_error(client, callers, text):
    """Every field of every form on the pages: posted back with hostile text in each."""
    users, _partner = callers
    failures, posted = [], 0
    for role, user in [("anonymous", None), *users.items()]:
        for path in (p for p in PAGES if not p.startswith("/api/")):
            client.logout()
            if user is not None:
                client.force_login(user)
            page = client.get(path)
            html = page.status_code == 200 and "text/html" in page.get("Content-Type", "")
            fields = _form_fields(page.text) if html else set()
            if not fields:
                continue
            posted += 1
            status = client.post(path, dict.fromkeys(fields, text)).status_code
            if status >= 500:
                failures.append((role, path, status))
    assert posted > 5
    assert not failures, failures


def test_control_characters_in_a_form_field_are_stripped_and_line_breaks_kept(rf):
    from core.middleware import ControlCharactersMiddleware

    seen = {}

    def view(request):
        seen.update(request.POST.dict())
        return HttpResponse()

    request = rf.post("/dossiers/", {"name": "Tr\x00ần\u202e\x1b", "note": "a\r\n\tb\x0b"})
    ControlCharactersMiddleware(view)(request)

    assert seen == {"name": "Trần", "note": "a\r\n\tb"}


def test_the_tracking_form_with_a_nul_is_answered_not_failed(client):
    response = client.post("/track/", {"code": "000.00.01\x00G12", "id_last4": "12\x0034"})
    assert response.status_code in (400, 404)


# --- API operations, from the OpenAPI document -------------------------------------------

HOSTILE_JSON_VALUES = ["a\x00b", "\x1b\x7f\x9f", "fdp\u202eexe", "\ud800", "x" * 5000]


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _sample(schema: dict, document: dict, text, depth=0):
    """A value of `schema` with `text` in every string (enums and formats ignored)."""
    schema = _resolve(schema, document)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            return _sample(schema[combinator][0], document, text, depth)
    kind = schema.get("type")
    if depth > 6:
        return None
    if kind == "object" or "properties" in schema:
        return {
            key: _sample(value, document, text, depth + 1)
            for key, value in schema.get("properties", {}).items()
        } or {text: text}
    if kind == "array":
        return [_sample(schema.get("items", {}), document, text, depth + 1)]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    return text


def _operations() -> list[tuple[str, str, dict | None]]:
    document = _schema()
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            operations.append((path, method, body and _resolve(body, document)))
    return operations, document


@pytest.mark.parametrize("text", HOSTILE_JSON_VALUES, ids=range(len(HOSTILE_JSON_VALUES)))
def test_hostile_text_in_any_api_body_never_gives_a_server_error(callers, text):
    """Every write operation of the OpenAPI document, every string of its body hostile."""
    users, partner = callers
    operations, document = _operations()
    session = APIClient()
    session.force_login(users["counter"])
    failures, refused = [], 0
    for template, method, body in operations:
        path = re.sub(r"\{[^}]+\}", "000.00.01.G12-261124-0001", template)
        payload = json.dumps(_sample(body or {}, document, text)).encode()
        for caller in (partner.client, session):
            response = getattr(caller, method)(path, payload, content_type="application/json")
            if response.status_code >= 500:
                failures.append((template, method, response.status_code))
            elif response.status_code == 400 and "control_characters" in response.text:
                refused += 1
    assert not failures, failures
    if text != "x" * 5000:
        assert refused > 0


def test_a_json_body_with_a_control_character_is_refused_naming_the_field(callers):
    users, _partner = callers
    session = APIClient()
    session.force_login(users["citizen"])

    response = session.post(
        "/api/v1/dossiers/",
        {"procedure": "sickness-benefit", "values": {"full_name": "An\u202e"}},
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "values.full_name"


def test_line_breaks_in_a_json_body_are_allowed():
    from core.parsers import _offending_field

    assert _offending_field({"note": "dòng 1\r\n\tdòng 2"}) is None
    assert _offending_field({"a": [{"b": "x\x00"}]}) == "a[0].b"
    assert _offending_field({"a\u202e": "x"}) == "non_field_errors"


# --- forms of pages reached by links (detail pages, actions) -------------------------------

_LINK = re.compile(r"<a\b[^>]*\bhref=\"(/[^\"#?]*)", re.I)
_FORM_WITH_ACTION = re.compile(
    r"<form\b(?P<attrs>[^>]*method=\"post\"[^>]*)>(?P<body>.*?)</form>", re.S | re.I
)
_ACTION = re.compile(r"\baction=\"([^\"]*)\"", re.I)
_NOT_PAGES = ("/admin/", "/static/", "/media/", "/i18n/", "/api/", "/accounts/logout")


@pytest.fixture
def dossiers_in_sight(callers, catalogue, offices):
    """Dossiers each role has pages for: the citizen's draft and submitted dossier, and
    dossiers received, in processing and awaiting a supplement at the officers' office."""
    from dossiers.constants import DossierState
    from tests.dossiers.conftest import complete_sickness_draft
    from tests.dossiers.factories import make_dossier

    users, _partner = callers
    hanoi = offices[1]
    procedure = catalogue["sickness-benefit"]
    draft = complete_sickness_draft(catalogue, users["citizen"])
    made = [draft]
    for state in (
        DossierState.SUBMITTED,
        DossierState.RECEIVED,
        DossierState.IN_PROCESSING,
        DossierState.SUPPLEMENT_REQUESTED,
    ):
        made.append(
            make_dossier(
                procedure=procedure,
                state=state,
                office=hanoi,
                applicant=users["citizen"],
                assigned_to=users["officer"],
            )
        )
    return made


def _reachable_forms(client, starts: list[str], limit: int = 40) -> dict[str, set[str]]:
    """Follow the site's own links from `starts` (breadth first, at most `limit` pages) and
    return each POST form's target with its fields."""
    seen, queue, forms = set(), list(starts), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or path.startswith(_NOT_PAGES):
            continue
        seen.add(path)
        page = client.get(path, follow=True)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        if page.redirect_chain:  # a draft's page leads to its current step
            path = page.redirect_chain[-1][0].split("?")[0]
        html = page.text
        for match in _FORM_WITH_ACTION.finditer(html):
            action = _ACTION.search(match["attrs"])
            target = action[1] if action and action[1].startswith("/") else path
            fields = {n for n in _FIELD.findall(match["body"]) if n not in _SKIPPED_FIELDS}
            if fields and not target.startswith(_NOT_PAGES):
                forms.setdefault(target, set()).update(fields)
        queue.extend(link for link in _LINK.findall(html) if link not in seen)
    return forms


def test_hostile_text_in_the_forms_of_detail_and_action_pages_never_gives_a_server_error(
    client, callers, dossiers_in_sight
):
    """The forms on pages with URL arguments (a dossier's page, its actions, a draft's
    steps), found by following links from each role's home pages."""
    users, _partner = callers
    text = HOSTILE_FORM_VALUES[0] + HOSTILE_FORM_VALUES[1]
    failures, posted = [], set()
    starts = {
        "citizen": ["/dossiers/", *(f"/dossiers/d/{d.reference}/" for d in dossiers_in_sight)],
        "officer": ["/dossiers/worklist/"]
        + [f"/dossiers/d/{d.reference}/" for d in dossiers_in_sight[1:]],
        "counter": ["/dossiers/counter/", "/dossiers/worklist/"],
    }
    for role, paths in starts.items():
        client.logout()
        client.force_login(users[role])
        for target, fields in _reachable_forms(client, paths).items():
            if "/d/" not in target and "/counter/" not in target:
                continue  # the pages without arguments are covered above
            posted.add(target)
            status = client.post(target, dict.fromkeys(fields, text)).status_code
            if status >= 500:
                failures.append((role, target, status))
    # A dossier's own forms were reached: its detail and action pages, a draft's steps.
    assert any("/act/" in target for target in posted), posted
    assert any("/step/" in target for target in posted), posted
    assert not failures, failures
