"""Reading one scanned result form from a file, its template named or found.

The window's review view calls :func:`read_scan` in the process pool (it is a
module-level function whose arguments and result pickle). With no template
named, every template (shipped, then the user's own) is tried in turn and the
first one the scan matches is used; a scan that matches none is refused.
"""

from __future__ import annotations

from pathlib import Path

from workstation.errors import BadInput
from workstation.resultforms.recognise import Recognition, recognise_form
from workstation.resultforms.templates import (
    Template,
    load_template,
    read_image,
    template_names,
    templates_root,
)


def available(user_root: Path | None = None) -> list[tuple[str, Path]]:
    """Every template as (name, root): the shipped ones, then the user's not shadowing them."""
    found = [(name, templates_root()) for name in template_names()]
    if user_root is not None and user_root.is_dir():
        shipped = {name for name, _ in found}
        found += [(n, user_root) for n in template_names(user_root) if n not in shipped]
    return found


def read_scan(
    image: Path, name: str | None = None, user_root: Path | None = None
) -> tuple[Template, Recognition]:
    """The template and what was read from the scan at ``image``.

    ``name`` picks the template; None tries each of :func:`available` in turn.
    """
    grey = read_image(image)
    choices = available(user_root)
    if name is not None:
        choices = [(n, root) for n, root in choices if n == name] or [(name, templates_root())]
    for candidate, root in choices:
        template = load_template(candidate, root)
        try:
            return template, recognise_form(template, grey)
        except BadInput as error:
            if name is not None or error.code != "resultforms.not_this_form":
                raise
    raise BadInput(
        f"the scan matches none of the {len(choices)} result-form templates",
        code="resultforms.no_template_matches",
        count=len(choices),
    )
