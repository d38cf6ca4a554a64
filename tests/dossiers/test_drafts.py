"""Drafts expire after DRAFT_EXPIRY_DAYS: warned, then locked, then their files purged."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from dossiers.constants import Channel
from dossiers.exceptions import NotAllowed
from dossiers.services import (
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    drafts_purge_expired,
)
from tests.dossiers.conftest import png_file

pytestmark = pytest.mark.django_db


def _draft_with_file(catalogue, citizen):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    component = dossier.version.components.get(code="medical_leave_certificate")
    document = dossier_document_add(
        dossier=dossier, component=component, uploaded=png_file(), actor=citizen
    )
    return dossier, document


def test_expiring_draft_is_flagged_and_expired_draft_is_locked(
    catalogue, citizen, client, settings
):
    settings.DRAFT_EXPIRY_DAYS = 10
    settings.DRAFT_EXPIRY_WARNING_DAYS = 3
    dossier, _ = _draft_with_file(catalogue, citizen)
    client.force_login(citizen)
    assert 'data-testid="draft-expiring"' not in client.get("/dossiers/").content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert 'data-testid="draft-expiring"' in client.get("/dossiers/").content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=11)):
        page = client.get("/dossiers/").content.decode()
        assert f"/dossiers/d/{dossier.reference}/resume/" not in page
        with pytest.raises(NotAllowed):
            dossier_draft_save(dossier=dossier, actor=citizen, values={}, next_step=2)


def test_saving_a_step_extends_the_expiry(catalogue, citizen, settings):
    settings.DRAFT_EXPIRY_DAYS = 10
    dossier, _ = _draft_with_file(catalogue, citizen)
    first = dossier.draft_expires_at
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        saved = dossier_draft_save(dossier=dossier, actor=citizen, values={}, next_step=2)
    assert saved.draft_expires_at > first + dt.timedelta(days=4)


def test_purge_removes_files_of_expired_drafts_once(
    catalogue, citizen, settings, django_capture_on_commit_callbacks
):
    settings.DRAFT_EXPIRY_DAYS = 1
    expired, document = _draft_with_file(catalogue, citizen)
    storage, name = document.file.storage, document.file.name
    settings.DRAFT_EXPIRY_DAYS = 30
    fresh, fresh_document = _draft_with_file(catalogue, citizen)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        with django_capture_on_commit_callbacks(execute=True):
            assert drafts_purge_expired() == 1
        assert drafts_purge_expired() == 0
    assert not storage.exists(name)
    assert not expired.documents.exists()
    assert fresh.documents.get() == fresh_document
    assert expired.events.filter(payload__action="draft_expired").count() == 1
