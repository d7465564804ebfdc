"""A keyring backend that keeps secrets in a JSON file named by $WORKSTATION_FAKE_KEYRING.

A real implementation of keyring's backend interface for tests, which cannot reach
a desktop keyring here; it is found by its import path through
PYTHON_KEYRING_BACKEND, so subprocesses use it too. Never for production.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FakeFileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _path(self) -> Path:
        return Path(os.environ["WORKSTATION_FAKE_KEYRING"])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise PasswordDeleteError("no such secret")
        self._path().write_text(json.dumps(data))
