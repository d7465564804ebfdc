"""``workstation devices``: every capture device with the id ``workstation scan --device`` takes.

SANE's scanners, eSCL scanners that announce themselves on the network
(DNS-SD ``_uscan._tcp`` / ``_uscans._tcp``, ``--discovery`` seconds, 0 for
none), the eSCL scanners and hot folders named in
``capture-devices.json`` in the data folder (``{"escl": ["http://…/eSCL"],
"hot_folders": ["/srv/scans"]}``), file import and the demo feeder. An eSCL
scanner not listed can be given as ``--device escl:http://host:port/eSCL``.
"""

from __future__ import annotations

import argparse

from workstation.cli import Context, Outcome


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "devices",
        parents=[parent],
        help="list scanners, hot folders and other capture devices",
        description="List every capture device with the id that `workstation scan --device` "
        "takes: sane:…, escl:URL, hotfolder:PATH, files, demo.",
    )
    parser.add_argument(
        "--discovery",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how long to look for network (eSCL) scanners; 0 looks for none (default 2)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> Outcome:
    from workstation.config import load_settings
    from workstation.paths import user_folders
    from workstation.scan.devices import allowed_only, list_devices
    from workstation.scan.devices.configured import configured_devices

    configured = configured_devices(user_folders().data)
    devices = list_devices(configured.escl, configured.hot_folders, max(0.0, args.discovery))
    devices = allowed_only(devices, load_settings().allowed_devices)
    width = max(len(d.id) for d in devices)
    lines = [f"{d.id:<{width}}  {d.name}" + (f" ({d.detail})" if d.detail else "") for d in devices]
    return Outcome({"devices": [d.as_json() for d in devices]}, "\n".join(lines))
