import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.constants import OFFICE_ROLES, Role
from accounts.models import User
from offices.models import Office
from procedures.models import Procedure

VI_PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
INVALID_LOGIN_MSGID = (
    "The ID number, e-mail or username and password do not match an account. "
    "Check them and try again."
)


# --- seed_demo ------------------------------------------------------------------------


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "offices": Office.objects.count(),
        "procedures": Procedure.objects.count(),
    }


def _login_identifier(user: User) -> str:
    return user.national_id if user.role == Role.CITIZEN else user.username


@pytest.mark.django_db
def test_seed_demo_can_run_twice_without_duplicates():
    _seed()
    first = _counts()

    _seed()

    assert _counts() == first
    assert first["users"] >= len(Role)
    assert first["offices"] > 34  # the provincial offices and some base offices
    assert first["procedures"] > 0


@pytest.mark.django_db
def test_every_printed_demo_account_logs_in_with_the_printed_password():
    output = _seed()

    password = re.search(r"\(password: (\S+)\)", output)
    assert password, output
    users = list(User.objects.select_related("office"))
    assert {u.role for u in users} == set(Role)
    for user in users:
        identifier = _login_identifier(user)
        assert identifier in output
        assert authenticate(None, username=identifier, password=password.group(1)) == user
        assert (user.office is not None) == (user.role in OFFICE_ROLES)


@pytest.mark.django_db
def test_demo_citizen_logs_in_by_email_too():
    output = _seed()
    password = re.search(r"\(password: (\S+)\)", output).group(1)
    citizen = User.objects.get(role=Role.CITIZEN)

    assert citizen.email
    assert authenticate(None, username=citizen.email.upper(), password=password) == citizen


# --- compile_translations -------------------------------------------------------------


@pytest.fixture
def locale_copy(settings, tmp_path):
    """A copy of the Vietnamese catalogue, so compiling never touches the real locale/."""
    messages = tmp_path / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copy(VI_PO, messages / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    return messages


def test_compile_translations_writes_a_readable_mo_file(locale_copy):
    out = StringIO()
    call_command("compile_translations", stdout=out)

    mo_path = locale_copy / "django.mo"
    assert mo_path.exists()
    assert "compiled 1 catalogue(s)" in out.getvalue()
    entry = polib.mofile(str(mo_path)).find(INVALID_LOGIN_MSGID)
    assert entry
    assert "không khớp" in entry.msgstr


def test_compile_translations_skips_up_to_date_catalogues_and_redoes_stale_ones(locale_copy):
    call_command("compile_translations", stdout=StringIO())
    mo_path, po_path = locale_copy / "django.mo", locale_copy / "django.po"

    out = StringIO()
    call_command("compile_translations", stdout=out)
    assert out.getvalue() == ""

    stale = po_path.stat().st_mtime - 60
    os.utime(mo_path, (stale, stale))
    out = StringIO()
    call_command("compile_translations", stdout=out)
    assert "compiled 1 catalogue(s)" in out.getvalue()
    assert mo_path.stat().st_mtime >= po_path.stat().st_mtime


def test_project_catalogue_is_compiled():
    """`manage.py compile_translations` runs before the tests (make test, CI)."""
    assert VI_PO.with_suffix(".mo").exists()


# --- Vietnamese first: every string is translated ---------------------------------------


def _missing_translations(po: polib.POFile) -> list[str]:
    entries = po.untranslated_entries() + po.fuzzy_entries()
    return [f"{e.occurrences[:1]} {e.msgid!r}" for e in entries]


def test_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entries():
    missing = _missing_translations(polib.pofile(str(VI_PO)))

    if missing:
        pytest.fail(f"{len(missing)} untranslated or fuzzy:\n" + "\n".join(missing))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_in_the_source_is_translated(tmp_path):
    """Extract the messages again from a copy of the project, as a translation pass would.

    Catches strings added to the code but never extracted into locale/vi/.
    """
    base = Path(settings.BASE_DIR)
    project = tmp_path / "project"
    shutil.copytree(
        base,
        project,
        ignore=shutil.ignore_patterns(".venv", ".git", "var", "node_modules", "*.pyc", ".*cache"),
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vss_portal.settings.test"}
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale=vi",
            "--ignore=tests/*",
            "--ignore=bench/*",
            "--ignore=static/*",
        ],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )

    missing = _missing_translations(polib.pofile(str(project / VI_PO.relative_to(base))))

    if missing:
        pytest.fail(f"{len(missing)} untranslated or fuzzy:\n" + "\n".join(missing))
