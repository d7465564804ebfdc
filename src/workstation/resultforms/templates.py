"""Result-form templates: a blank form's reference image and the zones where values are printed.

A template is data in ``resources/result-forms/NAME/``: ``template.json`` names
the reference image (a blank form scanned at ``dpi``) and lists the fields,
each ``{"name", "label", "box": [x, y, width, height], "type"}`` with the box
in reference-image pixels, and optionally ``"pattern"``, the regular expression
its values follow (a serial's format), which the reader checks its reading
against. Loading checks it whole: a zone outside the image, two fields of one
name or an unknown type is refused with a clear error.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from workstation.errors import BadInput
from workstation.paths import resources_dir

FIELD_TYPES = ("text", "digits", "date", "serial")
DOSSIER_FACTS = (
    "applicant.name",
    "applicant.id_number",
    "code",
    "received_at",
    "due_at",
    "result.issued_at",
)


@dataclass(frozen=True)
class Field:
    """One zone of a form where a value is printed."""

    name: str
    label: str
    box: tuple[int, int, int, int]
    type: str
    dossier: str = ""
    """What of the dossier this value must equal, if anything (see :data:`DOSSIER_FACTS`)."""
    pattern: str = ""
    """A regular expression every value of the field matches (a serial's format, an ID
    number's twelve digits), if known: a reading that does not is read again another way."""


@dataclass(frozen=True)
class Template:
    """A form template: its reference image (grey, loaded) and its fields."""

    name: str
    title: str
    folder: Path
    dpi: int
    fields: tuple[Field, ...]
    reference: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the reference image in pixels."""
        return int(self.reference.shape[1]), int(self.reference.shape[0])


def templates_root() -> Path:
    return resources_dir() / "result-forms"


def template_names(root: Path | None = None) -> list[str]:
    """The names of the templates shipped in ``root`` (default: the resources)."""
    root = root or templates_root()
    return sorted(p.parent.name for p in root.glob("*/template.json"))


def _bad(detail: str, code: str, **params: object) -> BadInput:
    return BadInput(detail, code=f"resultforms.{code}", **params)


def load_template(name: str, root: Path | None = None) -> Template:
    """The template ``name`` (a folder under ``root``) after checking it, or :class:`BadInput`."""
    root = root or templates_root()
    folder = root / name
    path = folder / "template.json"
    if not path.is_file():
        raise _bad(f"no result-form template named {name!r}", "unknown_template", name=name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        image_name = str(data["reference_image"])
        dpi = int(data["dpi"])
        raw_fields = list(data["fields"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _bad(
            f"template {name!r} cannot be read: {exc}", "template_unreadable", name=name
        ) from exc
    reference = cv2.imread(str(folder / image_name), cv2.IMREAD_GRAYSCALE)
    if reference is None:
        raise _bad(
            f"template {name!r}: reference image {image_name!r} cannot be read",
            "reference_unreadable",
            name=name,
        )
    height, width = reference.shape[:2]
    fields: list[Field] = []
    seen: set[str] = set()
    for raw in raw_fields:
        try:
            field_name = str(raw["name"])
            x, y, w, h = (int(v) for v in raw["box"])
            kind = str(raw["type"])
            label = str(raw.get("label", field_name))
            fact = str(raw.get("dossier", ""))
            pattern = str(raw.get("pattern", ""))
            if pattern:
                re.compile(pattern)
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise _bad(
                f"template {name!r}: a field is malformed: {exc}", "template_unreadable", name=name
            ) from exc
        if field_name in seen:
            raise _bad(
                f"template {name!r}: two fields are named {field_name!r}",
                "duplicate_field",
                name=name,
                field=field_name,
            )
        if kind not in FIELD_TYPES:
            raise _bad(
                f"template {name!r}: field {field_name!r} has unknown type {kind!r}",
                "unknown_field_type",
                name=name,
                field=field_name,
                type=kind,
            )
        if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width or y + h > height:
            raise _bad(
                f"template {name!r}: field {field_name!r} box {[x, y, w, h]} falls outside "
                f"the {width}x{height} reference image",
                "zone_outside",
                name=name,
                field=field_name,
            )
        if fact and fact not in DOSSIER_FACTS:
            raise _bad(
                f"template {name!r}: field {field_name!r} names unknown dossier data {fact!r}",
                "unknown_dossier_fact",
                name=name,
                field=field_name,
            )
        seen.add(field_name)
        fields.append(Field(field_name, label, (x, y, w, h), kind, fact, pattern))
    if not fields:
        raise _bad(f"template {name!r} has no fields", "template_unreadable", name=name)
    return Template(
        name=name,
        title=str(data.get("title", name)),
        folder=folder,
        dpi=dpi,
        fields=tuple(fields),
        reference=reference,
    )


NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
"""A template's name is its folder's: lower-case letters, digits and hyphens."""


def user_templates_root(data: Path) -> Path:
    """Where templates drawn in the window are kept: ``result-forms`` in the user's data."""
    return data / "result-forms"


def save_template(
    root: Path,
    name: str,
    title: str,
    reference: np.ndarray,
    dpi: int,
    fields: list[Field],
) -> Template:
    """Write a template drawn by the officer as data (``root/NAME/template.json`` and its
    reference image ``blank.png``), check it by loading it back, and return it.

    Refused (:class:`BadInput`) before anything is written: a name that is not
    a folder name, no fields, and, from the same checks as loading, a zone
    outside the image, two fields of one name, an unknown type. An existing
    template of that name is replaced whole, never half.
    """
    if not NAME_PATTERN.match(name):
        raise _bad(f"template name {name!r} is not a folder name", "bad_name", name=name)
    document = {
        "name": name,
        "title": title or name,
        "reference_image": "blank.png",
        "dpi": int(dpi),
        "fields": [
            {"name": f.name, "label": f.label or f.name, "box": list(f.box), "type": f.type}
            | ({"dossier": f.dossier} if f.dossier else {})
            | ({"pattern": f.pattern} if f.pattern else {})
            for f in fields
        ],
    }
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        folder = staging / name
        folder.mkdir()
        if not cv2.imwrite(str(folder / "blank.png"), reference):
            raise _bad("the reference image cannot be written", "reference_unreadable", name=name)
        (folder / "template.json").write_text(
            json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        load_template(name, staging)  # the same checks as any template
        target = root / name
        if target.exists():
            target.rename(staging / f"{name}.old")
        folder.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return load_template(name, root)


def read_image(path: Path) -> np.ndarray:
    """The first page of a scanned file (image or PDF), checked as capture checks any input."""
    from workstation.scan.inputs import load_page, page_sources

    sources = page_sources([path])
    if not sources:
        raise BadInput("the file has no page", code="resultforms.no_page")
    image, _ = load_page(sources[0])
    return image
