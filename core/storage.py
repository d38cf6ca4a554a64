"""Private file storage: uploaded documents are never served as public static files."""

import re
import secrets

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Filesystem storage with no public URL; downloads go through permission-checked views."""

    def url(self, name):  # pragma: no cover - guarded by design
        raise NotImplementedError("Private files are served through views, not URLs.")


def unguessable_name(extension: str, *, prefix: str) -> str:
    """A storage path that reveals nothing and cannot be guessed: prefix/ab/<token><extension>.

    `extension` (".pdf") comes from the file's detected content, never from the name a user
    gave it: a PDF uploaded as `invoice\u202efdp.exe` is stored as `.pdf`.
    """
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"Not a file extension: {extension!r}")
    token = secrets.token_urlsafe(24)
    return f"{prefix}/{token[:2]}/{token}{extension}"


_EXTENSION = re.compile(r"\.[a-z0-9]{1,9}")
