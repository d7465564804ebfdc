"""Signing: PKCS#11 tokens, PAdES with Decree 30/2020's appearance, remote signing, verifying.

Empty until the signing capability lands (see ARCHITECTURE.md); the layer
contracts already apply to it: no Qt here.
"""
