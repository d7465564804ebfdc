"""Warnings at a field: what the officer should look at again, never a refusal.

A refusal is a :class:`~workstation.errors.BadInput`; a warning is a
:class:`FieldWarning` naming the field it is about (``id_number``, ``phone``,
``email``, ``files``) and a stable code whose message is ``warning.<code>`` in
the catalogue. The command line prints them, the window shows each at its
field, and the dossier is received all the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.i18n import translate


@dataclass(frozen=True)
class FieldWarning:
    """One warning: the ``field`` it is about, its ``code``, and the message's parameters.

    ``params`` may name a file, never hold personal data such as an ID number.
    """

    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message_key(self) -> str:
        return f"warning.{self.code}"

    def message(self, language: str | None = None) -> str:
        """The text for the officer, in ``language`` (default: the interface language)."""
        return translate(self.message_key, language, **dict(self.params))

    def as_json(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message("vi"),
            "message_en": self.message("en"),
        }
