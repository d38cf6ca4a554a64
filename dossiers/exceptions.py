from django.utils.translation import gettext_lazy as _


class DossierError(Exception):
    """A request on a dossier that cannot be carried out; `message` is shown to the user."""

    code = "dossier_error"
    status = 400
    message = _("The dossier could not be changed.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class DossierConflict(DossierError):
    code = "conflict"
    status = 409
    message = _(
        "This dossier was changed by someone else. Reload it to see the latest version, "
        "then try again."
    )


class DossierIncomplete(DossierError):
    code = "incomplete"
    status = 422

    def __init__(self, missing: list[str], *, version_changed: bool = False):
        self.missing = missing
        self.version_changed = version_changed
        if version_changed:
            super().__init__(
                _(
                    "The procedure's rules changed since this draft was started and the "
                    "dossier is not complete under the rules in force. Still missing:"
                )
            )
        else:
            super().__init__(_("The dossier is not complete yet. Still missing:"))


class IntakeRefused(DossierError):
    code = "intake_refused"
    status = 422


class NotAllowed(DossierError):
    code = "not_allowed"
    status = 403
    message = _("You are not allowed to do this on this dossier.")


class NotAllowedInState(NotAllowed):
    """The actor may take this action, but not while the dossier is in its current state:
    a conflict with the resource's state (409), unlike a role that may never act (403)."""

    code = "invalid_state"
    status = 409
    message = _("This action is not possible in the dossier's current state.")


class AccessReasonRequired(DossierError):
    """A supervisor opens a dossier of another office without having given a reason."""

    code = "access_reason_required"
    status = 403
    message = _(
        "This dossier belongs to another office: give the reason for opening it first. The "
        "reason is kept in the access log."
    )

    def __init__(self, dossier):
        self.dossier = dossier
        super().__init__()
