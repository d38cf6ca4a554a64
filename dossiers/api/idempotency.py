"""The Idempotency-Key header on POSTs that create something.

A key is scoped to the user (a partner's service account, or a citizen). The first request
with a key records the key, a fingerprint of the request and the dossier it created, in the
same transaction as the creation; a retry with the same key and request gets the created
resource again (`Idempotent-Replayed: true`), a different request with the key gets 422.
Two concurrent requests with one key are serialised by the unique (user, key) constraint.
Keys are kept for settings.IDEMPOTENCY_KEY_TTL_HOURS (then purged by a beat task), so a
client must not retry with one key later than that.
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
M = TypeVar("M")

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


def upload_sha256(uploaded) -> str:
    """The SHA-256 of an uploaded file (for request fingerprints), left rewound for reading."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


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


def _recorded(request, key: str) -> IdempotencyRecord | None:
    return (
        IdempotencyRecord.objects.select_related("dossier")
        .filter(user=request.user, key=key)
        .first()
    )


def _run_once(*, request, key: str, request_fingerprint: str, create, remember):
    """Record the key and run `create` in one transaction; None if another request won."""
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                key=key, user=request.user, request_fingerprint=request_fingerprint
            )
            result = create()
            IdempotencyRecord.objects.filter(pk=record.pk).update(**remember(result))
    except IntegrityError:
        # A concurrent request with this key committed first (the insert waited for it).
        if _recorded(request, key) is None:
            raise
        return None
    return result


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
    record = _recorded(request, key)
    if record is None:
        result = _run_once(
            request=request,
            key=key,
            request_fingerprint=request_fingerprint,
            create=create,
            remember=lambda result: {"dossier": result[0]},
        )
        if result is not None:
            return result[0], result[1], False
        record = _recorded(request, key)
    return _replay(record, request_fingerprint), None, True


def run_idempotent_resource(
    *,
    request,
    request_fingerprint: str,
    resource_type: str,
    create: Callable[[], M],
    load: Callable[[str], M | None],
) -> tuple[M, bool]:
    """Like `run_idempotent` for what is not a dossier (a rating, a bundle, an endpoint).

    `create` returns the created object; `load(resource_id)` finds it again on a replay
    (None if it is gone, which is answered as a conflict). Returns (object, replayed).
    """
    key = idempotency_key(request)
    if key is None:
        return create(), False
    record = _recorded(request, key)
    if record is None:
        created = _run_once(
            request=request,
            key=key,
            request_fingerprint=request_fingerprint,
            create=create,
            remember=lambda obj: {"resource_type": resource_type, "resource_id": str(obj.pk)},
        )
        if created is not None:
            return created, False
        record = _recorded(request, key)
    if record.request_fingerprint != request_fingerprint or record.resource_type != resource_type:
        raise key_reused()
    if not record.resource_id:
        raise _in_progress()
    found = load(record.resource_id)
    if found is None:
        raise Problem(
            status_code=409,
            code="idempotent_resource_gone",
            title=_("What the first request with this Idempotency-Key created no longer exists."),
        )
    return found, True
