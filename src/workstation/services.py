"""The composition root of the core: builds the services every front end uses.

The command line, the GUI and the tests all start here, with settings and the
user's folders, and get one :class:`Services` holding the store, the blob
store and the catalogue. Backends (scanners, signers, central-system clients)
are chosen here as they land, so the rest of the code never asks which one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.config import Settings, load_settings
from workstation.domain import Catalogue, clock
from workstation.domain.catalogue import load_catalogue
from workstation.errors import ConfigError, WorkstationError
from workstation.onbehalf.identity import DemoIdentityProvider, IdentityProvider
from workstation.onbehalf.officer import Officer, OfficerSource, os_officer
from workstation.paths import Folders, user_folders
from workstation.store import BlobStore, Database, open_database
from workstation.sync.status import Login, SendOnce, SyncStatus
from workstation.tasks import CancelToken

if TYPE_CHECKING:
    from workstation.domain.targets import Targets
    from workstation.officers import Action, Gate, SignedIn
    from workstation.reuse import ReuseLookup
    from workstation.scan.devices.base import Device, DeviceInfo
    from workstation.sign.signer import DocumentSigner
    from workstation.signin import OfficerDesk
    from workstation.sync.client import CentralClient

log = logging.getLogger(__name__)


def _capture_devices(data_folder: Path | None = None) -> list[DeviceInfo]:
    """Every capture device, with the eSCL addresses and hot folders configured in
    ``data_folder`` (the user's data folder when not given)."""
    from workstation.scan.devices import list_devices
    from workstation.scan.devices.configured import configured_devices

    configured = configured_devices(data_folder or user_folders().data)
    return list_devices(configured.escl, configured.hot_folders)


def _open_capture_device(device_id: str) -> Device:
    from workstation.scan.devices import open_device

    return open_device(device_id)


def _allowed_devices(
    allowed: str, data_folder: Path | None = None
) -> tuple[Callable[[], list[DeviceInfo]], Callable[[str], Device]]:
    """The device listing and opening, kept to the devices the administrator allowed."""
    from workstation.scan.devices import allowed_only, check_allowed

    def listing() -> list[DeviceInfo]:
        return allowed_only(_capture_devices(data_folder), allowed)

    def opening(device_id: str) -> Device:
        check_allowed(device_id, allowed)
        return _open_capture_device(device_id)

    return listing, opening


SQLITE_HEADER = b"SQLite format 3\x00"


def check_locations(settings: Settings, folders: Folders | None = None) -> None:
    """Refuse settings the services could not start with, before they are saved.

    The store file must be a SQLite database or not exist yet (in a folder that
    exists or can be made), the blob folder must be a folder, and the catalogue
    must load. Raises :class:`ConfigError` naming the setting.
    """
    folders = folders or user_folders()
    database = settings.database_path(folders)
    if database.is_dir():
        _refuse("database", f"{database} is a folder, not a database file")
    if database.exists():
        try:
            with database.open("rb") as f:
                header = f.read(len(SQLITE_HEADER))
        except OSError as exc:
            _refuse("database", f"{database} cannot be read: {exc.strerror}")
        if header and header != SQLITE_HEADER:
            _refuse("database", f"{database} is not a database file")
    elif database.parent.exists() and not database.parent.is_dir():
        _refuse("database", f"{database.parent} is a file, not a folder")
    blobs = settings.blob_path(folders)
    if blobs.exists() and not blobs.is_dir():
        _refuse("blob_folder", f"{blobs} is a file, not a folder")
    try:
        load_catalogue(settings.catalogue_path())
    except WorkstationError as exc:
        _refuse("catalogue", exc.detail)


def _refuse(name: str, detail: str) -> None:
    raise ConfigError(detail, code="config.unusable_location", name=name, reason=detail)


@dataclass
class Services:
    """Everything a front end works with, opened once per process by :func:`open_services`.

    The window hands it to each section, which passes on to each of its parts
    only what that part uses; the use cases (:mod:`workstation.dossiers`,
    :mod:`workstation.intake`) take those parts, not the whole. Tests replace
    one part (``dataclasses.replace``) with a fake of the same interface.
    """

    settings: Settings
    """The settings the services were opened with (read-only; saving writes a new file)."""
    folders: Folders
    """The user's config, data and log folders (``WORKSTATION_HOME`` moves them all)."""
    database: Database
    """The local store's SQLite database, migrated; used from one thread at a time in the
    window (the ``db`` executor)."""
    blobs: BlobStore
    """Page images and PDFs by content hash; any thread may read them."""
    catalogue: Catalogue
    """The procedure catalogue (procedures, their components and fees, by effective date)."""
    scan_into: Callable[[str], list[Path]] | None = None
    """Scan straight into a dossier component (its checklist code), returning the page
    files (:class:`workstation.scan.into.ScanIntoComponent`, set by :func:`open_services`);
    None hides the intake view's Scan button."""
    capture_devices: Callable[[], list[DeviceInfo]] = _capture_devices
    """The capture devices reachable now (SANE's, the eSCL scanners and hot folders configured
    in ``capture-devices.json``, the demo feeder …; may take seconds: call it off the UI
    thread)."""
    open_capture_device: Callable[[str], Device] = _open_capture_device
    """Opens a capture device by the id :attr:`capture_devices` gave."""
    sender: SendOnce | None = None
    """One sending round to the central system (``workstation.sync``); None until it lands."""
    login: Login | None = None
    """Signs the officer in to the central system; None until the sync client lands."""
    sync_status: SyncStatus = field(default_factory=SyncStatus)
    """The link's facts (online, last success, last error), updated by the sender."""
    payment_confirmations: Callable[[str], list[dict[str, Any]]] | None = None
    """Asks the central system which payments the bank reported for a dossier (by id);
    None without a central system (the payment panel then does not wait for one)."""
    identity: IdentityProvider = field(default_factory=DemoIdentityProvider)
    """Signs the citizen in with their own e-ID to confirm a dossier filed on their behalf;
    the demo provider until the central system's identity service is plugged in here."""
    reuse: ReuseLookup | None = None
    """The citizen's store of digitised documents on the central system (looked up by ID
    number, files fetched to reuse unscanned); None without a central system."""
    officer: Callable[[], Officer] = os_officer
    """The officer at the counter, as the outbox messages name them: the user signed in
    to the central system, else the operating system's user (named as such). May read
    the keyring: call it off the UI thread."""
    signer_factory: Callable[..., DocumentSigner] | None = None
    """Opens the signer of PDFs (:func:`open_signer`'s arguments); None: :func:`open_signer`."""
    desk: OfficerDesk | None = None
    """Signs officers in and out on this PC and says who acts now (set by
    :func:`open_services`)."""
    gate: Gate | None = None
    """The role gate (:mod:`workstation.officers`) the window and the command line ask
    before an action that needs a role; None lets everything through (never so from
    :func:`open_services`)."""

    def require(self, action: Action, **ids: str | None) -> None:
        """Let ``action`` through for the officer acting now, or record its refusal and
        raise :class:`~workstation.officers.RoleRequired` naming the role (``ids``:
        ``dossier_id``, ``document_id`` for the audit entry). May read the keyring."""
        if self.gate is not None:
            self.gate.require(action, **ids)

    def current_officer(self) -> SignedIn | None:
        """The officer acting on this PC now, with their roles (None: nobody signed in)."""
        if self.desk is None:
            from workstation.officers import every_role

            return every_role(self.officer())
        return self.desk.current()

    def open_signer(self, **arguments: Any) -> DocumentSigner:
        """The signer of PDFs, through :attr:`signer_factory` when one is set.

        The administrator's settings apply unless ``arguments`` say otherwise, as
        on the command line: the signature policy (``level``, else the
        ``signature_level`` setting; :mod:`workstation.sign.level`), the time-stamp
        authority (``tsa_url``, PAdES B-T) and, when trusted roots are configured,
        the revocation check before signing (a revoked certificate is refused,
        ``sign.certificate_revoked``), whose answers are embedded at B-LT. A level
        the settings cannot reach raises ``sign.level_needs_tsa`` or
        ``sign.level_needs_trust`` before any token is opened.
        """
        from workstation.sign.level import signature_plan
        from workstation.sign.revocation import RevocationCheck

        level = arguments.pop("level", None) or self.settings.signature_level
        tsa_url = arguments.get("tsa_url", self.settings.tsa_url or None)
        given = arguments.get("revocation")
        roots = given.trust_roots if given is not None else self.settings.trust_root_files()
        plan = signature_plan(level, tsa_url, roots)
        arguments["tsa_url"] = plan.tsa_url
        if plan.trust_roots:
            arguments["revocation"] = RevocationCheck(plan.trust_roots, embed=plan.embed_revocation)
        return (self.signer_factory or open_signer)(**arguments)

    def stats_targets(self) -> Targets:
        """The agency's statistics targets in use now (:func:`stats_targets`)."""
        return stats_targets(self.settings, self.folders)

    def locked_by(self, name: str) -> Path | None:
        """The machine-wide file whose administrator locked setting ``name``; None when the
        officer may change it (or that file cannot be read, as the window then runs)."""
        from workstation.config import locked_settings
        from workstation.paths import machine_settings_file

        path = machine_settings_file()
        try:
            return path if name in locked_settings(path) else None
        except ConfigError:
            return None

    def close(self) -> None:
        """Close the database; nothing may use these services afterwards."""
        self.database.close()


def open_services(settings: Settings | None = None, folders: Folders | None = None) -> Services:
    """Open the store (migrating it), the blob store and the catalogue."""
    folders = folders or user_folders()
    settings = settings or load_settings(folders)
    from workstation.forms.texts import use_texts_file

    use_texts_file(settings.form_texts_path())  # checked before the store is opened
    database = open_database(settings.database_path(folders))
    log.info("store %s at revision %s", database.path, database.revision())
    _install_codec(database)
    blobs = BlobStore(settings.blob_path(folders))
    _clean_up_quietly(database, blobs)
    services = Services(
        settings=settings,
        folders=folders,
        database=database,
        blobs=blobs,
        catalogue=_catalogue(settings, folders),
    )
    services.capture_devices = partial(_capture_devices, folders.data)
    from workstation.scan.into import ScanIntoComponent

    if settings.allowed_devices:
        services.capture_devices, services.open_capture_device = _allowed_devices(
            settings.allowed_devices, folders.data
        )
    services.scan_into = ScanIntoComponent(
        folders.data, services.capture_devices, services.open_capture_device
    )
    from workstation.officers import Gate
    from workstation.signin import OfficerDesk

    services.desk = OfficerDesk(settings, folders, database)
    services.gate = Gate(database, services.desk.current)
    if settings.central_url:
        services.sender = _sending_round(settings, database, blobs, folders)
        services.login = _signing_in(services.desk)
        services.payment_confirmations = _payment_confirmations(
            settings.central_url, settings.central_ca_file or None
        )
        services.officer = _acting_officer(services.desk)
        from workstation.reuse import ReuseLookup

        services.reuse = ReuseLookup(
            _connect(settings.central_url, settings.central_ca_file or None),
            folders.data / "reused",
        )
    database.officer = lambda: _officer_for_audit(services.officer())
    return services


def _officer_for_audit(officer: Officer) -> tuple[str, str]:
    """The officer as audit entries name them (``workstation.store.audit``)."""
    return officer.user, str(officer.source)


def _connect(server: str, ca_file: str | None) -> Callable[[], CentralClient]:
    def connect() -> CentralClient:
        from workstation.sync.auth import signed_in_client

        return signed_in_client(server, ca_file=ca_file)

    return connect


def _acting_officer(desk: OfficerDesk) -> Callable[[], Officer]:
    """The officer acting on this PC (:meth:`OfficerDesk.current`), else the OS user."""

    def officer() -> Officer:
        acting = desk.current()
        return acting.as_officer() if acting is not None else os_officer()

    return officer


def signed_in_officer(server: str) -> Callable[[], Officer]:
    """The user signed in to ``server`` (the kept sign-in), else the OS user."""

    def officer() -> Officer:
        from workstation.sync.auth import load_sign_in

        try:
            user, _refresh = load_sign_in(server)
        except WorkstationError as exc:  # not signed in, or no keyring to ask
            log.info("no sign-in to name the officer by (%s): the OS user is named", exc.code)
            return os_officer()
        return Officer(user, OfficerSource.CENTRAL_SIGN_IN)

    return officer


def _payment_confirmations(
    server: str, ca_file: str | None
) -> Callable[[str], list[dict[str, Any]]]:
    """The bank's reports of payments for a dossier, through the kept sign-in."""

    def ask(dossier_id: str) -> list[dict[str, Any]]:
        from workstation.sync.auth import signed_in_client

        client = signed_in_client(server, ca_file=ca_file)
        try:
            return client.payment_confirmations(dossier_id)
        finally:
            client.close()

    return ask


def _catalogue(settings: Settings, folders: Folders) -> Catalogue:
    """The catalogue set in the settings; else the central system's last one; else the
    bundled one (also when the downloaded file cannot be read)."""
    from workstation.sync.pull import catalogue_file

    downloaded = catalogue_file(folders)
    if not settings.catalogue and downloaded.exists():
        try:
            return load_catalogue(downloaded)
        except WorkstationError as exc:
            log.warning("downloaded catalogue unusable (%s): the bundled one is used", exc.code)
    return load_catalogue(settings.catalogue_path())


def stats_targets(settings: Settings, folders: Folders) -> Targets:
    """The statistics targets: the administrator's file named in the settings; else the
    ones the central system last sent; else the shipped, illustrative file (also when the
    downloaded file cannot be read). Read at each call: a sync round may bring new ones."""
    from workstation.domain.targets import load_targets
    from workstation.sync.pull import targets_file

    if settings.stats_targets:
        return load_targets(Path(settings.stats_targets), origin="settings")
    downloaded = targets_file(folders)
    if downloaded.exists():
        try:
            return load_targets(downloaded, origin="central")
        except WorkstationError as exc:
            log.warning("downloaded targets unusable (%s): the shipped ones are used", exc.code)
    return load_targets()


def lease_code_blocks(client: Any, database: Database, settings: Settings) -> int:
    """Keep a block of today's dossier-code numbers leased from the central system."""
    from workstation.intake.receive import CodeIssuer
    from workstation.sync.leases import keep_code_blocks

    issuer = CodeIssuer.from_settings(settings)
    code_format, unit = issuer.sequence_for(clock.local(clock.now()).date())
    return keep_code_blocks(client, database, code_format, unit)


def _sending_round(
    settings: Settings, database: Database, blobs: BlobStore, folders: Folders
) -> SendOnce:
    """One round of :class:`workstation.sync.sender.Sender` with the kept sign-in: what
    the window's sending worker runs. Without a sign-in it raises ``sync.not_signed_in``,
    which the status bar shows, and the worker tries again later."""

    def send_once(token: CancelToken) -> int:
        from workstation.sync.auth import signed_in_client
        from workstation.sync.pull import pull_from_central
        from workstation.sync.sender import Sender

        token.raise_if_cancelled()
        client = signed_in_client(settings.central_url, ca_file=settings.central_ca_file or None)
        try:
            sent = Sender(database, blobs, client).send_due(token=token)
            token.raise_if_cancelled()
            pull_from_central(client, database, folders)
            lease_code_blocks(client, database, settings)
            return sent
        finally:
            client.close()

    return send_once


def _signing_in(desk: OfficerDesk) -> Login:
    """Signs an officer in (central system, else offline within the grace period), who then
    acts on this PC; every attempt recorded in the audit log (:mod:`workstation.signin`)."""

    def sign_in(server: str, user: str, password: str) -> str:
        return desk.sign_in(user, password, server).user

    return sign_in


def _install_codec(database: Database) -> None:
    """Seal and open everything through the store's own codec: plain, or under its key."""
    from workstation.store import protection
    from workstation.store.keys import store_codec

    try:
        protection.install_codec(store_codec(database))
    except BaseException:
        database.close()
        raise


def _clean_up_quietly(database: Database, blobs: BlobStore) -> None:
    """Clear what interrupted receives left; a failure is logged and never stops start-up."""
    from workstation.intake.cleanup import clean_up_blobs

    try:
        clean_up_blobs(database, blobs)
    except Exception as exc:  # best effort: the next start or the window's schedule retries
        log.warning("blob clean-up at start failed: %s", exc.__class__.__name__)


def open_signer(
    *, key: Any = None, pin: str | None = None, remote: Any = None, **options: Any
) -> DocumentSigner:
    """The signer of PDFs: a remote credential (``remote``, a ``RemoteChoice``) or a
    PKCS#11 token, the demo token included (``key``, a ``KeyChoice``, and ``pin``).

    ``options`` (``tsa_url``, ``revocation``, ``now``, and ``pin_each_time``
    for a token or ``cancel`` for a remote signer) go to the signer.
    """
    if remote is not None:
        from workstation.sign.remote import RemoteSigner

        return RemoteSigner(remote, pin=pin, **options)
    from workstation.sign.pades import TokenSigner

    return TokenSigner(key, pin or "", **options)
