"""Private file storage: uploaded documents are never served as public static files."""

import secrets
from pathlib import PurePosixPath

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Filesystem storage with no public URL; downloads go through permission-checked views."""

    def url(self, name):  # pragma: no cover - guarded by design
        raise NotImplementedError("Private files are served through views, not URLs.")


def unguessable_name(original_name: str, *, prefix: str) -> str:
    """A storage path that reveals nothing and cannot be guessed: prefix/ab/<token>.<ext>."""
    suffix = PurePosixPath(original_name or "").suffix.lower()[:10]
    token = secrets.token_urlsafe(24)
    return f"{prefix}/{token[:2]}/{token}{suffix}"
