"""``workstation result-form``: read a scanned pre-printed result form (phôi) by its template."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.cli import Context, Outcome


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "result-form", parents=[parent], help="read scanned pre-printed result forms"
    )
    actions = parser.add_subparsers(dest="action", required=True)
    extract = actions.add_parser(
        "extract",
        parents=[parent],
        help="align a scan to a template and read its fields (exit 3 if it is not that form)",
    )
    extract.add_argument("--template", required=True, metavar="NAME")
    extract.add_argument("image", type=Path, metavar="IMAGE")
    extract.set_defaults(handler=run_extract)
    filing = actions.add_parser(
        "file",
        parents=[parent],
        help="read a scan and store it as a dossier's electronic result (queued for the centre)",
    )
    filing.add_argument("--template", required=True, metavar="NAME")
    filing.add_argument("--dossier", required=True, metavar="NUMBER|CODE|ID")
    filing.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="the officer's value for a field (replaces what was read); repeatable",
    )
    filing.add_argument("image", type=Path, metavar="IMAGE")
    filing.set_defaults(handler=run_file)
    listing = actions.add_parser("templates", parents=[parent], help="list the form templates")
    listing.set_defaults(handler=run_templates)


def run_extract(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.resultforms.recognise import recognise_form
    from workstation.resultforms.templates import load_template, read_image

    template = load_template(args.template)
    result = recognise_form(template, read_image(args.image))
    data = result.as_json()
    lines = [f"template: {template.name}"]
    for item in template.fields:
        value = result.fields[item.name]
        lines.append(f"  {item.name}: {value.value} ({value.confidence:.0f})")
    lines.extend(explain(result.warnings))
    return Outcome(data, "\n".join(lines), warnings=list(result.warnings))


def explain(warnings: list[str]) -> list[str]:
    """The officer's message for each recognition warning that has one (the form upside
    down, cut off, a field cut off...), in the interface language."""
    from workstation import i18n

    known = i18n.catalogue(i18n.current_language())
    texts = []
    for warning in warnings:
        code, _, field = warning.partition(":")
        key = f"resultforms.warning.{code}"
        if key in known:
            texts.append(i18n.translate(key, field=field))
    return texts


def run_file(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.errors import BadInput
    from workstation.resultforms.filing import file_result_form
    from workstation.resultforms.recognise import recognise_form
    from workstation.resultforms.templates import load_template, read_image

    template = load_template(args.template)
    recognition = recognise_form(template, read_image(args.image))
    values = {name: field.value for name, field in recognition.fields.items()}
    names = {f.name for f in template.fields}
    for pair in args.value:
        name, sep, value = pair.partition("=")
        if not sep or name not in names:
            raise BadInput(
                f"--value {name!r} is not a field of the template",
                code="resultforms.unknown_field",
                field=name,
            )
        values[name] = value
    services = context.services()
    result = file_result_form(
        services.database, services.blobs, args.dossier, template, recognition, values
    )
    data = {"result": result.id, "dossier_id": result.dossier_id, "fields": values}
    text = "\n".join([f"result {result.id} stored", *explain(recognition.warnings)])
    return Outcome(data, text, warnings=list(recognition.warnings))


def run_templates(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.resultforms.templates import load_template, template_names

    rows = []
    for name in template_names():
        template = load_template(name)
        rows.append(
            {
                "name": name,
                "title": template.title,
                "fields": [
                    {"name": f.name, "label": f.label, "type": f.type} for f in template.fields
                ],
            }
        )
    text = "\n".join(f"{r['name']}: {r['title']} ({len(r['fields'])} fields)" for r in rows)
    return Outcome({"templates": rows}, text)
