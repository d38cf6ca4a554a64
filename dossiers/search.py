"""Search dossiers by the text recognised in their documents (officers' worklist).

PostgreSQL: full-text search with the `vss_vietnamese` configuration (migration
0007_document_fulltext): the `simple` parser and dictionary behind `unaccent`, so words
match with or without Vietnamese diacritics and in any case ("bạch mai" = "Bach Mai"),
without stemming. The query is read as a web search (`websearch_to_tsquery`): words must
all appear, "quoted words" must appear in that order, `-word` must not appear, `or`
between words accepts either. The filter is written exactly as the GIN expression index
`document_ocr_text_fts_idx` (`to_tsvector('vss_vietnamese'::regconfig, ocr_text)`) so the
index serves it.

Other databases (the embedded SQLite setup): every word must appear in the same document
(case-insensitive `contains`; SQLite folds ASCII letters only, and diacritics must match).
"""

from __future__ import annotations

import unicodedata

from django.db import connection
from django.db.models import Exists, Func, OuterRef, QuerySet

from .models import Dossier, DossierDocument

TEXT_SEARCH_CONFIG = "vss_vietnamese"
# The worklist reads a search box entry starting with this as a search inside documents.
FULLTEXT_PREFIX = "text:"
MAX_QUERY_CHARS = 200


def _document_vector():
    from django.contrib.postgres.search import SearchVectorField

    class DocumentTextVector(Func):
        """`to_tsvector('vss_vietnamese'::regconfig, <ocr_text>)`, the indexed expression."""

        function = "to_tsvector"
        template = f"%(function)s('{TEXT_SEARCH_CONFIG}'::regconfig, %(expressions)s)"
        output_field = SearchVectorField()

    return DocumentTextVector("ocr_text")


def normalise_query(text: str) -> str:
    """NFC (the form the recognised text is stored in), single spaces, bounded length."""
    return " ".join(unicodedata.normalize("NFC", text).split())[:MAX_QUERY_CHARS]


def matching_documents(text: str) -> QuerySet[DossierDocument]:
    """Documents whose recognised text matches `text` (see the module docstring)."""
    text = normalise_query(text)
    documents = DossierDocument.objects.all()
    if not text:
        return documents.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(text, config=TEXT_SEARCH_CONFIG, search_type="websearch")
        return documents.alias(text_vector=_document_vector()).filter(text_vector=query)
    for word in text.split():
        documents = documents.filter(ocr_text__icontains=word)
    return documents


def dossier_search_documents(qs: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    """Narrow `qs` to dossiers with a document whose recognised text matches `text`.

    A semi-join (EXISTS), so no dossier is listed twice and no query is added. An empty
    `text` leaves `qs` as it is.
    """
    if not normalise_query(text):
        return qs
    return qs.filter(Exists(matching_documents(text).filter(dossier_id=OuterRef("pk"))))
