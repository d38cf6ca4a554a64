"""Hostile text in every query parameter of every page and API list: never a server error.

Control characters (a NUL byte makes PostgreSQL refuse the query), bidirectional overrides
that disguise what a string says, and other odd text are fed to the parameters the pages
and the API read. They are stripped before any view sees them; nothing answers 500.
"""

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse

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
