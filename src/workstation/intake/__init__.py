"""Receiving dossiers at the counter (tiếp nhận hồ sơ)."""
