"""``workstation cccd``: read a chip ID card from its QR code (an image) or a reader's payload."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from workstation.cli import Context, Outcome
from workstation.domain import clock
from workstation.domain.cccd import CitizenCard, parse_payload

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "cccd",
        parents=[parent],
        help="read a chip ID card's QR code from a scan or photo, or a reader's typed payload",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("image", nargs="?", type=Path, metavar="IMAGE", help="PNG, JPEG or TIFF")
    source.add_argument("--payload", metavar="TEXT", help="the QR payload as a reader typed it")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, context: Context) -> Outcome:
    today = clock.now().date()
    if args.payload is not None:
        card = parse_payload(args.payload, today)
    else:
        from workstation.scan.barcodes import read_card_image

        card = read_card_image(args.image, today)
    log.info(
        "card read with %d warning(s): %s",
        len(card.warnings),
        ",".join(w.code for w in card.warnings) or "-",
    )
    return Outcome(card.as_json(), _text(card))


def _text(card: CitizenCard) -> str:
    lines = [
        f"ID number      {card.id_number}",
        f"old ID number  {card.old_id_number or '-'}",
        f"full name      {card.full_name}",
        f"date of birth  {card.date_of_birth:%d/%m/%Y}",
        f"sex            {card.sex}",
        f"address        {card.address}",
        f"issue date     {card.issue_date:%d/%m/%Y}",
    ]
    lines += [f"warning: {w.message('en')}" for w in card.warnings]
    return "\n".join(lines)
