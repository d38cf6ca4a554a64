"""Filing for another person (ủy quyền, issue #18).

A citizen may file for a child of theirs in the registry (as parent or guardian) or for
another adult under a letter of authorisation, uploaded with the draft and checked at
reception. The dossier then names the principal in its applicant_* fields, the filer in
representative_*, and links the principal's own account (found by CCCD) so that they see
the dossier and are told of each step. The filer edits the draft; the registry's data of the
principal is not prefilled for the filer (they see what the authorisation covers: this
dossier, nothing of the principal's record).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from core.identifiers import validate_national_id

from .. import providers
from ..constants import Representation
from ..exceptions import IntakeRefused


@dataclass(frozen=True)
class Principal:
    kind: str  # Representation
    national_id: str
    full_name: str
    scope: str = ""


def guardian_principal(*, filer: User, national_id: str) -> Principal:
    """The principal for a parent or guardian filing for `national_id`, named as the
    registry names the child (the API names the child by CCCD only). The check that the
    child is the filer's is `principal_check`'s: an unknown child keeps an empty name."""
    national_id = "".join((national_id or "").split())
    children = providers.registry_children_of(parent_national_id=filer.national_id or "")
    name = next(
        (child["full_name"] for child in children if child["national_id"] == national_id), ""
    )
    return Principal(
        kind=Representation.GUARDIAN,
        national_id=national_id,
        full_name=name,
        scope=str(_("As parent or guardian of the child")),
    )


def principal_check(*, filer: User, principal: Principal) -> User | None:
    """Check that `filer` may file for `principal`; return the principal's account if any.

    A guardian files only for a child of theirs in the registry; an authorised person for
    an adult with a valid personal ID number (the letter itself is checked at reception).
    """
    national_id = "".join(principal.national_id.split())
    if national_id == (filer.national_id or ""):
        raise IntakeRefused(_("To file for yourself, choose “For myself”."))
    try:
        validate_national_id(national_id)
    except Exception as exc:
        raise IntakeRefused(_("Enter the 12-digit personal ID number of the person.")) from exc
    if principal.kind == Representation.GUARDIAN:
        children = providers.registry_children_of(parent_national_id=filer.national_id or "")
        if national_id not in {child["national_id"] for child in children}:
            raise IntakeRefused(
                _(
                    "The registry does not list this child as yours. File at a counter "
                    "with the papers."
                )
            )
    elif principal.kind == Representation.AUTHORISATION:
        if not principal.full_name.strip():
            raise IntakeRefused(_("Enter the full name of the person who authorised you."))
        if not principal.scope.strip():
            raise IntakeRefused(_("Say what the letter of authorisation covers."))
    else:
        raise IntakeRefused(_("Choose for whom you file."))
    return User.objects.filter(role=Role.CITIZEN, national_id=national_id).first()


AUTHORISATION_LETTER_MAX_BYTES = 10 * 1024 * 1024


def authorisation_letter_store(*, dossier_reference, uploaded) -> dict:
    """Check the letter by its content and store it; the fields of its DossierDocument
    (no component: the letter belongs to the representation, not to the procedure)."""
    from django.core.files.storage import default_storage

    from core.storage import unguessable_name

    from ..constants import DocumentSource
    from ..uploads import display_name, inspect_upload

    name = display_name(getattr(uploaded, "name", ""))
    info = inspect_upload(
        uploaded,
        name=name,
        allowed_kinds=["pdf", "jpeg", "png"],
        max_bytes=AUTHORISATION_LETTER_MAX_BYTES,
    )
    stored = default_storage.save(
        unguessable_name(info.extension, prefix=f"dossiers/{dossier_reference}"), uploaded
    )
    return {
        "component": None,
        "source": DocumentSource.UPLOAD,
        "file": stored,
        "original_name": name,
        "content_type": info.content_type,
        "size": info.size,
        "sha256": info.sha256,
        "page_count": info.page_count,
    }
