"""The import contracts of pyproject.toml ([tool.importlinter]) hold: layers never run back up.

`make lint` runs `lint-imports` too; this test makes `make test` (and CI) fail on a
violation as well.
"""

from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]

# The apps that react to dossier events: dossiers must import none of them.
SUBSCRIBERS = ("partners", "beneficiaries", "notifications", "dashboards")


def test_every_import_contract_holds():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_dossiers_imports_no_subscriber():
    """Not even lazily inside a function: its side effects go through the outbox (ADR 0006)."""
    graph = grimp.build_graph("dossiers", *SUBSCRIBERS, cache_dir=None)
    offending = sorted(
        f"{importer} -> {imported}"
        for importer in graph.find_children("dossiers") | graph.find_descendants("dossiers")
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] in SUBSCRIBERS
    )
    assert offending == []
