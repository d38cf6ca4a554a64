"""The Idempotency-Key header on POSTs that create something.

A key is scoped to the user (a partner's service account, or a citizen). The first request
with a key records the key, a fingerprint of the request and the dossier it created, in the
same transaction as the creation; a retry with the same key and request gets the created
resource again (`Idempotent-Replayed: true`), a different request with the key gets 422.
Two concurrent requests with one key are serialised by the unique (user, key) constraint.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.api import Problem

from ..models import Dossier, IdempotencyRecord

T = TypeVar("T")

_KEY = re.compile(r"[\x21-\x7e]{1,128}")


def idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise Problem(
            status_code=400,
            code="invalid_idempotency_key",
            title=_("The Idempotency-Key header must be 1 to 128 visible ASCII characters."),
        )
    return key


def fingerprint(request, *parts: Any) -> str:
    """SHA-256 of the method, path and what identifies the request's content."""
    canonical = json.dumps(
        [request.method, request.path, *parts], sort_keys=True, default=str, ensure_ascii=True
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def key_reused() -> Problem:
    return Problem(
        status_code=422,
        code="idempotency_key_reused",
        title=_("This Idempotency-Key was already used for a different request."),
    )


def _in_progress() -> Problem:
    return Problem(
        status_code=409,
        code="idempotency_in_progress",
        title=_("A request with this Idempotency-Key is still being processed."),
    )


def _replay(record: IdempotencyRecord, request_fingerprint: str) -> Dossier:
    if record.request_fingerprint != request_fingerprint:
        raise key_reused()
    if record.dossier_id is None:
        raise _in_progress()
    return record.dossier


def run_idempotent(
    *, request, request_fingerprint: str, create: Callable[[], tuple[Dossier, T]]
) -> tuple[Dossier, T | None, bool]:
    """Run `create` once per key. Returns (dossier, what create returned, replayed).

    `create` returns the dossier the request created or changed, and any other result; on a
    replay only the dossier is known (the second element is None).
    """
    key = idempotency_key(request)
    if key is None:
        dossier, other = create()
        return dossier, other, False
    record = (
        IdempotencyRecord.objects.select_related("dossier")
        .filter(user=request.user, key=key)
        .first()
    )
    if record is not None:
        return _replay(record, request_fingerprint), None, True
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                key=key, user=request.user, request_fingerprint=request_fingerprint
            )
            dossier, other = create()
            IdempotencyRecord.objects.filter(pk=record.pk).update(dossier=dossier)
    except IntegrityError:
        # A concurrent request with this key committed first (the insert waited for it).
        record = (
            IdempotencyRecord.objects.select_related("dossier")
            .filter(user=request.user, key=key)
            .first()
        )
        if record is None:
            raise
        return _replay(record, request_fingerprint), None, True
    return dossier, other, False
