from django.utils.translation import gettext_lazy as _


class RatingError(Exception):
    """A rating that cannot be given or changed; `message` is shown to the user."""

    code = "rating_error"
    status = 400
    message = _("The rating could not be saved.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NotRatable(RatingError):
    code = "not_ratable"
    status = 409
    message = _("You can rate the service once the result of the dossier has been returned.")


class AlreadyRated(RatingError):
    code = "already_rated"
    status = 409
    message = _("This dossier has already been rated. Each dossier is rated once.")


class EditWindowClosed(RatingError):
    code = "edit_window_closed"
    status = 409
    message = _("A rating can only be changed during the 7 days after it was given.")


class RatingNotAllowed(RatingError):
    code = "not_allowed"
    status = 403
    message = _("Only the applicant of the dossier can rate it.")
