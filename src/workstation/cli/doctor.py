"""``workstation doctor``: check every external part and name the fix for a missing one."""

from __future__ import annotations

import argparse

from workstation import __version__
from workstation.cli import Context, Outcome
from workstation.errors import ExitCode


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "doctor", parents=[parent], help="check Tesseract, SANE, tokens, fonts, store, server"
    )
    # Unusable settings are one of the things the doctor reports, not a reason to stop.
    parser.set_defaults(handler=run, reports_setting_problems=True)


def run(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.config import load_settings_or_defaults
    from workstation.doctor import check_settings, environment_facts, run_checks
    from workstation.paths import user_folders

    folders = user_folders()
    settings, problems = load_settings_or_defaults(folders)
    checks = [*check_settings(problems, folders), *run_checks(settings, folders)]
    blocking = [c for c in checks if c.blocking]
    data = {
        "version": __version__,
        "ok": not blocking,
        "environment": environment_facts(),
        "checks": [c.as_json() for c in checks],
    }
    width = max(len(c.part) for c in checks)
    lines = [f"{'part':<{width}}  {'status':<8} detail"]
    for c in checks:
        mark = "" if c.required else " (optional)"
        lines.append(f"{c.part:<{width}}  {c.status!s:<8} {c.summary}{mark}")
        if c.status != "ok" and c.fix:
            lines.append(f"{'':<{width}}  {'':<8} fix: {c.fix}")
    lines.append("")
    lines.append(
        "All required parts work."
        if not blocking
        else f"{len(blocking)} required part(s) missing or failing: "
        + ", ".join(c.part for c in blocking)
    )
    return Outcome(data, "\n".join(lines), ExitCode.EXTERNAL if blocking else ExitCode.OK)
