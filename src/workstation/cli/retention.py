"""``workstation retention report | apply``: what is held locally and why, and the purge."""

from __future__ import annotations

import argparse

from workstation.cli import Context, Outcome


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "retention", help="local copies and personal data kept, and their removal when due"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    shown = actions.add_parser(
        "report", parents=[parent], help="what is held locally per dossier and kind, and why"
    )
    shown.set_defaults(handler=_report)
    applied = actions.add_parser(
        "apply",
        parents=[parent],
        help="remove what the central system confirmed once its period has passed",
    )
    applied.set_defaults(handler=_apply)


def _report(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.retention import Periods, report

    services = context.services()
    periods = Periods.from_settings(services.settings)
    result = report(services.database, services.folders.data, periods)
    lines = [
        "periods (days, 0 = kept): "
        f"scans {periods.scans}, results {periods.results}, exports {periods.exports}"
    ]
    for kind, total in result.totals().items():
        lines.append(
            f"{kind}: {total['files']} file(s), {total['bytes']} bytes held, "
            f"{total['confirmed']} confirmed by the central system, {total['due']} due now"
        )
    personal = result.as_json()["personal_data"]
    lines.append(
        f"personal data: held for {personal['held']} dossier(s) ({personal['due']} due now), "
        f"forgotten for {personal['forgotten']}"
    )
    for folder in result.folders:
        lines.append(
            f"{folder.key}: {folder.entries} entr(ies), {folder.bytes} bytes, {folder.due} due now"
        )
    for dossier in result.dossiers:
        name = dossier.code or f"#{dossier.number:06d}"
        kinds = ", ".join(
            f"{k.kind} {k.files} ({k.bytes} B) {k.reason}"
            + (
                f" from {k.removable_from:%Y-%m-%d} ({k.days_left} day(s) left)"
                if k.removable_from and k.files
                else ""
            )
            for k in dossier.kinds
            if k.reason != "none"
        )
        state = "finished" if dossier.finished else "open"
        waiting = f", {dossier.unsent_messages} unsent" if dossier.unsent_messages else ""
        lines.append(
            f"  {name} status {dossier.status} {state}{waiting}: {kinds or 'no files'}; "
            f"personal data {dossier.personal_data}"
            + (f" until {dossier.forget_from:%Y-%m-%d}" if dossier.forget_from else "")
        )
    return Outcome(result.as_json(), "\n".join(lines))


def _apply(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.retention import Periods, apply

    services = context.services()
    periods = Periods.from_settings(services.settings)
    purge = apply(services.database, services.blobs, services.folders.data, periods)
    text = (
        f"removed {purge.files['scans']} scan(s) and {purge.files['results']} result(s) "
        f"({purge.bytes} bytes, {purge.blobs} stored file(s)); personal data forgotten for "
        f"{purge.forgotten} dossier(s); {sum(purge.folders.values())} stale working entr(ies) "
        "removed"
    )
    return Outcome(purge.as_json(), text)
