"""A field's declared format read position by position: which characters each place may hold.

A template's ``pattern`` is a regular expression (``^\\d{2}[A-Z]{2}\\d{6}$``
for a serial of two digits, two letters and six digits). When it is a plain
sequence of fixed length (``\\d``, character sets such as ``[A-Z]`` or
``[ABC0-9]``, literal characters, each repeated ``{n}`` times), the reader
knows what each position of the value may be, and can read again, with only
those characters allowed, the part of a zone whose reading broke the format
(printed ``TT`` read ``11`` by a line model that sees serials mostly as digits).
Any other pattern (alternatives, optional or repeated parts) gives ``None``:
it is still checked whole, it just cannot guide a repair.
"""

from __future__ import annotations

import re

_LITERAL = re.compile(r"[A-Za-z0-9/.\- ]")


def _char_set(body: str) -> str | None:
    """The characters of a ``[...]`` set's body (ranges expanded), or None if negated/odd."""
    if not body or body.startswith("^"):
        return None
    chars: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            if index + 1 >= len(body):
                return None
            escaped = body[index + 1]
            if escaped == "d":
                chars.extend("0123456789")
            elif escaped in "-./\\]":
                chars.append(escaped)
            else:
                return None
            index += 2
        elif index + 2 < len(body) and body[index + 1] == "-":
            low, high = char, body[index + 2]
            if ord(low) > ord(high):
                return None
            chars.extend(chr(code) for code in range(ord(low), ord(high) + 1))
            index += 3
        else:
            chars.append(char)
            index += 1
    return "".join(dict.fromkeys(chars))


def position_classes(pattern: str) -> list[str] | None:
    """For each position of every value ``pattern`` allows, the characters it may hold.

    None when the pattern is not a fixed-length sequence of simple parts.
    """
    text = pattern.removeprefix("^").removesuffix("$")
    classes: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if text.startswith("\\d", index):
            allowed, index = "0123456789", index + 2
        elif char == "[":
            end = text.find("]", index + 2)
            if end < 0:
                return None
            allowed = _char_set(text[index + 1 : end])
            if allowed is None:
                return None
            index = end + 1
        elif char == "\\" and index + 1 < len(text) and text[index + 1] in "-./":
            allowed, index = text[index + 1], index + 2
        elif _LITERAL.fullmatch(char):
            allowed, index = char, index + 1
        else:
            return None
        count = 1
        if index < len(text) and text[index] == "{":
            end = text.find("}", index)
            repeat = text[index + 1 : end] if end > 0 else ""
            if not repeat.isdigit():
                return None  # {m,n}: not of one length
            count, index = int(repeat), end + 1
        if index < len(text) and text[index] in "?*+":
            return None
        classes.extend([allowed] * count)
    return classes or None


def misplaced_runs(value: str, classes: list[str]) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of ``value`` whose characters their positions do not allow.

    Adjacent positions of the same kind are one span (``TT`` is read again
    whole). Empty when ``value`` is not as long as the pattern: the reading
    then dropped or added characters, and positions say nothing.
    """
    if len(value) != len(classes):
        return []
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(value):
        if value[index] in classes[index]:
            index += 1
            continue
        start = index
        while start > 0 and classes[start - 1] == classes[index]:
            start -= 1
        end = index + 1
        while end < len(value) and classes[end] == classes[index]:
            end += 1
        runs.append((start, end))
        index = end
    return runs
