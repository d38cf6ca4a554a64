"""What a draft still lacks, said for people (the label) and for programs (the rest)."""

from __future__ import annotations


class MissingItem(str):
    """One missing item: the label pages show (the string itself), with its machine form.

    `code`: "field_required", "field_invalid", "document_required" or "one_of_documents";
    `field`: the API field it concerns (`data.<name>`, `province_code`), or None for a
    document; `documents`: the document codes (`component` of an upload) that would
    supply it. A `str`, so every caller that shows or stores labels keeps working.
    """

    code: str
    field: str | None
    documents: tuple[str, ...]

    def __new__(
        cls, label, *, code: str, field: str | None = None, documents: tuple[str, ...] = ()
    ) -> MissingItem:
        item = super().__new__(cls, str(label))
        item.code = code
        item.field = field
        item.documents = tuple(documents)
        return item

    def __reduce__(self):
        return (
            _missing_item,
            (str(self), self.code, self.field, self.documents),
        )

    def as_dict(self) -> dict:
        return {
            "label": str(self),
            "code": self.code,
            "field": self.field,
            "documents": list(self.documents),
        }


def _missing_item(label, code, field, documents) -> MissingItem:
    return MissingItem(label, code=code, field=field, documents=documents)
