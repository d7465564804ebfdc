"""A record's metadata in its PDF/A's XMP, rewritten when the clerk's review is saved.

PDF/A-2b lets an XMP packet use only the schemas the standard names (Dublin
Core, XMP basic, XMP rights, Adobe PDF...); the project's PDF/A check
(``pikepdf.pdfa``, an allowlist) refuses any other namespace, a declared
extension schema included. So the record's metadata is written with those
schemas only:

- Dublin Core: ``dc:title`` (the record's title), ``dc:date`` (start and end
  dates), ``dc:language``, ``dc:identifier`` (the archive code
  ``fonds.catalogue.file_number``), ``dc:coverage`` (``start/end``),
  ``dc:rights`` (access level), ``dc:subject`` (keywords) and
  ``dc:description`` (a readable summary with the page count);
- the archive schema: ``xmp:Identifier`` holds one ``archive.KEY=VALUE``
  entry per archive field (fonds, catalogue, box, file number, retention,
  access, page count, document count, condition, dates), and ``dc:relation``
  one ``archive.document={...}`` entry per document (its document-level
  fields as compact JSON). :func:`read_record_metadata` reads both back.

The file is rewritten atomically (a temporary file renamed into place), and
its other PDF/A parts (output intent, fonts, identification) are kept.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workstation.errors import BadInput

ARCHIVE_PREFIX = "archive."
DOCUMENT_PREFIX = "archive.document="
ARCHIVE_FIELDS = (
    "fonds",
    "catalogue",
    "box",
    "file_number",
    "start_date",
    "end_date",
    "pages",
    "documents",
    "retention",
    "access",
    "language",
    "condition",
)
"""The record fields written as ``archive.KEY=VALUE`` entries (in this order)."""

_REWRITTEN = (
    "dc:title",
    "dc:date",
    "dc:language",
    "dc:identifier",
    "dc:coverage",
    "dc:rights",
    "dc:subject",
    "dc:relation",
    "dc:description",
    "pdf:Keywords",
    "xmp:Identifier",
)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def archive_entries(metadata: dict[str, Any], page_count: int) -> list[str]:
    """``archive.KEY=VALUE`` for every archive field that has a value (``pages``: the sheet's
    or clerk's count, else the PDF's)."""
    values = dict(metadata)
    if values.get("pages") in (None, ""):
        values["pages"] = page_count
    return [
        f"{ARCHIVE_PREFIX}{key}={_text(values.get(key))}"
        for key in ARCHIVE_FIELDS
        if _text(values.get(key))
    ]


def document_entries(metadata: dict[str, Any]) -> list[str]:
    """One ``archive.document={...}`` per document, its empty fields left out."""
    out = []
    for item in metadata.get("items") or []:
        if not isinstance(item, dict):
            continue
        fields = {key: value for key, value in item.items() if value not in (None, "")}
        out.append(DOCUMENT_PREFIX + json.dumps(fields, ensure_ascii=False, separators=(",", ":")))
    return out


def description(metadata: dict[str, Any], page_count: int) -> str:
    """A readable line for ``dc:description``: code, box, retention, pages."""
    code = ".".join(
        _text(metadata.get(k))
        for k in ("fonds", "catalogue", "file_number")
        if _text(metadata.get(k))
    )
    parts = [
        f"archive record {code}" if code else "archive record",
        f"box {_text(metadata.get('box'))}" if _text(metadata.get("box")) else "",
        f"retention {_text(metadata.get('retention'))}" if _text(metadata.get("retention")) else "",
        f"{page_count} page" + ("" if page_count == 1 else "s"),
    ]
    return "; ".join(part for part in parts if part)


def write_record_metadata(path: Path, metadata: dict[str, Any]) -> None:
    """Rewrite the XMP (and document info) of the record PDF/A at ``path`` with ``metadata``
    (a record's metadata JSON, as reviewed), atomically."""
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except (OSError, pikepdf.PdfError) as exc:
        raise BadInput(
            "a record's PDF cannot be opened to write its metadata",
            code="archive.record_unreadable",
        ) from exc
    with pdf:
        pages = len(pdf.pages)
        language = _text(metadata.get("language")) or "vi"
        languages = [part.strip() for part in language.replace(";", ",").split(",")]
        languages = [part for part in languages if part] or ["vi"]
        summary = description(metadata, pages)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            for key in _REWRITTEN:
                if key in meta:
                    del meta[key]
            meta["dc:title"] = _text(metadata.get("title")) or "Archive record"
            dates = [_text(metadata.get(k)) for k in ("start_date", "end_date")]
            if any(dates):
                meta["dc:date"] = [d for d in dates if d]
                meta["dc:coverage"] = "/".join(dates)
            meta["dc:language"] = set(languages)
            code = ".".join(
                _text(metadata.get(k))
                for k in ("fonds", "catalogue", "file_number")
                if _text(metadata.get(k))
            )
            if code:
                meta["dc:identifier"] = code
            if _text(metadata.get("access")):
                meta["dc:rights"] = _text(metadata.get("access"))
            keywords = [
                word.strip()
                for word in _text(metadata.get("keywords")).replace(";", ",").split(",")
                if word.strip()
            ]
            if keywords:
                meta["dc:subject"] = set(keywords)
            documents = document_entries(metadata)
            if documents:
                meta["dc:relation"] = set(documents)
            meta["dc:description"] = summary
            meta["pdf:Keywords"] = summary
            meta["xmp:Identifier"] = set(archive_entries(metadata, pages))
            meta["xmp:ModifyDate"] = datetime.now(UTC).replace(microsecond=0).isoformat()
        pdf.Root.Lang = pikepdf.String(languages[0])
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
        os.close(handle)
        try:
            pdf.save(
                temporary,
                min_version="1.7",
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True,
            )
            with open(temporary, "rb") as written:
                os.fsync(written.fileno())
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    os.replace(temporary, path)


def read_record_metadata(path: Path) -> dict[str, Any]:
    """The record metadata the PDF/A at ``path`` carries in its XMP (as written above):
    title, archive fields as text, languages, documents."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        out: dict[str, Any] = {"title": str(meta.get("dc:title") or "")}
        for entry in meta.get("xmp:Identifier") or ():
            if entry.startswith(ARCHIVE_PREFIX) and "=" in entry:
                key, _, value = entry[len(ARCHIVE_PREFIX) :].partition("=")
                out[key] = value
        out["languages"] = sorted(meta.get("dc:language") or ())
        out["identifier"] = str(meta.get("dc:identifier") or "")
        out["dates"] = list(meta.get("dc:date") or ())
        out["rights"] = str(meta.get("dc:rights") or "")
        out["items"] = sorted(
            (
                json.loads(entry[len(DOCUMENT_PREFIX) :])
                for entry in meta.get("dc:relation") or ()
                if entry.startswith(DOCUMENT_PREFIX)
            ),
            key=lambda item: int(item.get("sequence") or 0),
        )
        return out
