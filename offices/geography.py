"""Provinces and communes after the 1 July 2025 reform, from the vietnam-provinces package."""

from functools import cache

from vietnam_provinces import Province, Ward


def _sort_key(name: str) -> str:
    from core.text import fold_vietnamese

    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return fold_vietnamese(name)


@cache
def province_choices() -> list[tuple[int, str]]:
    """The 34 provinces, alphabetical by their proper name (not by "Thành phố"/"Tỉnh")."""
    return sorted(
        ((int(p.code), p.name) for p in Province.iter_all()), key=lambda c: _sort_key(c[1])
    )


@cache
def province_name(code: int) -> str:
    try:
        return Province.from_code(code).name
    except ValueError:
        return ""


def is_province(code: int) -> bool:
    return bool(province_name(code))


@cache
def commune_choices(province_code: int) -> list[tuple[int, str]]:
    return sorted(
        ((int(w.code), w.name) for w in Ward.iter_by_province(province_code)),
        key=lambda c: c[1],
    )


@cache
def commune(code: int) -> Ward | None:
    try:
        return Ward.from_code(code)
    except ValueError:
        return None
