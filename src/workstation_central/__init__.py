"""The reference central server: what a province's central system does, for development,
training and tests.

A separate top-level package in the same distribution, installed with the ``central``
extra and never imported by the workstation (an import-linter contract): the
workstation reaches it only over HTTP, through :mod:`workstation.sync.client`, the
same way it would reach a province's own system.
"""

__version__ = "0.1.0"
