import unicodedata


def fold_vietnamese(text: str) -> str:
    """Lowercase text without diacritics: "Thai sản" and "thai san" both become "thai san"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
