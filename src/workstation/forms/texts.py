"""The wording of the forms and the font they are set in, as data with effective dates.

``resources/forms/forms.json`` holds versions, each with ``effective_from``;
the version in force on a form's date applies, so a new circular's wording is
a new entry, not a code change. Texts marked ``"verify": true`` still need a
word-for-word check against the circular (docs/forms.md says where each comes
from). An agency prints with its own copy of the file, named by the
``form_texts`` setting (:func:`use_texts_file`, called by the composition root).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from workstation.errors import BadInput, ConfigError, ExternalPartError
from workstation.paths import resources_dir

FONT_STYLES = ("", "B", "I", "BI")
"""Regular, bold, italic and bold italic, in the order ``forms.json`` lists the files."""


FORM_NAMES = (
    "receipt",
    "supplement",
    "refusal",
    "apology",
    "withdrawal",
    "control-slip",
    "register",
)
"""The forms every texts file must word, by the name ``workstation form`` takes."""

UNCHECKED = "(chưa đối chiếu)"
"""The footer's mark of a form not yet checked, when a texts file does not word it
(``common.unchecked``): "not yet checked", in Vietnamese for the citizen's paper."""

_texts_file: Path | None = None


def shipped_forms_file() -> Path:
    """The wording shipped with the workstation (``resources/forms/forms.json``)."""
    return resources_dir() / "forms" / "forms.json"


def forms_file() -> Path:
    """The texts file in use: the one :func:`use_texts_file` set, else the shipped one."""
    return _texts_file or shipped_forms_file()


def use_texts_file(path: Path) -> None:
    """Print every form from now on with the wording in ``path`` (the ``form_texts`` setting).

    The composition root calls it once, when the services open. ``path`` is
    checked first: a file that cannot be read, or a version that leaves out a
    form or the texts the forms share, is refused
    (:class:`~workstation.errors.ConfigError`, ``config.form_texts_unusable``)
    and the wording in use stays as it was.
    """
    global _texts_file
    path = Path(path)
    try:
        versions = _versions(path)
    except BadInput as exc:
        raise ConfigError(
            f"the form_texts setting names a file that cannot be read: {exc}",
            code="config.form_texts_unusable",
            name="form_texts",
        ) from exc
    for version in versions:
        missing = [n for n in FORM_NAMES if n not in version.get("forms", {})]
        if missing or "common" not in version or "fonts" not in version:
            raise ConfigError(
                f"form_texts version {version['effective_from']} lacks "
                + (", ".join(missing) if missing else "common texts or fonts"),
                code="config.form_texts_unusable",
                name="form_texts",
            )
    _texts_file = None if path == shipped_forms_file() else path


@cache
def _versions(path: Path) -> tuple[dict[str, Any], ...]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        versions = tuple(document["versions"])
        for version in versions:
            date.fromisoformat(version["effective_from"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(
            f"form texts {path} cannot be read: {exc!r}", code="forms.texts_unreadable"
        ) from exc
    return versions


@dataclass(frozen=True)
class FormTexts:
    """The texts of one form (``form``) and those every form shares (``common``).

    ``source`` names the legal text the wording follows; ``verify`` is true while
    this form's wording has not been compared word for word with it.
    """

    common: dict[str, Any]
    form: dict[str, Any]
    source: str
    verify: bool = True

    def __getitem__(self, key: str) -> Any:
        return self.form[key] if key in self.form else self.common[key]

    @property
    def footer_source(self) -> str:
        """What the footer says of the wording's source: the legal text, marked
        ``(chưa đối chiếu)`` while this form is still to be checked."""
        mark = str(self.common.get("unchecked", UNCHECKED))
        if not self.verify or mark in self.source:
            return self.source
        return f"{self.source} {mark}".strip()

    def date_line(self, place: str, day: date) -> str:
        """``Hà Nội, ngày 03 tháng 12 năm 2026``."""
        text = self.common["date_line"].format(
            place=place, day=day.day, month=day.month, year=day.year
        )
        return text if place else text.lstrip(", ")

    def moment(self, moment: datetime | None) -> str:
        """``09 giờ 32 phút, ngày 27/10/2023``, or a dotted blank when not known."""
        if moment is None:
            return str(self.common["blank"])
        return str(self.common["moment"]).format(
            hour=moment.hour,
            minute=moment.minute,
            day=moment.day,
            month=moment.month,
            year=moment.year,
        )

    def day(self, day: date) -> str:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"


def version_in_force(on: date, path: Path | None = None) -> dict[str, Any]:
    """The version of the form texts in force on ``on``."""
    versions = [
        v for v in _versions(path or forms_file()) if date.fromisoformat(v["effective_from"]) <= on
    ]
    if not versions:
        raise BadInput(
            f"no form texts in force on {on.isoformat()}",
            code="forms.no_texts",
            day=on.strftime("%d/%m/%Y"),
        )
    return max(versions, key=lambda v: v["effective_from"])


def texts_for(name: str, on: date, path: Path | None = None) -> FormTexts:
    """The texts of form ``name`` (``receipt`` …) in force on ``on``.

    A form's own ``source`` and ``verify`` override the version's; a form that
    says nothing of its check is taken as not checked.
    """
    version = version_in_force(on, path)
    form = version["forms"][name]
    return FormTexts(
        version["common"],
        form,
        str(form.get("source", version.get("source", ""))),
        bool(form.get("verify", version.get("verify", True))),
    )


def _system() -> str:
    if sys.platform.startswith("win"):
        return "windows"
    return "darwin" if sys.platform == "darwin" else "linux"


def font_files(on: date, path: Path | None = None) -> tuple[Path, ...]:
    """The first installed family the texts name: regular, bold, italic, bold italic."""
    for family in version_in_force(on, path)["fonts"].get(_system(), []):
        files = tuple(Path(name) for name in family)
        if len(files) == len(FONT_STYLES) and all(f.is_file() for f in files):
            return files
    raise ExternalPartError(
        "no Times-New-Roman-compatible font with Vietnamese glyphs is installed "
        "(Debian: fonts-liberation2 or fonts-noto-core)",
        code="forms.font_missing",
    )
