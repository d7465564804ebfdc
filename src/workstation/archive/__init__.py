"""Archive batches: separator sheets, splitting a scanned stack into records, metadata
following Circular 02/2019/TT-BNV, resumable long runs and BagIt export (no Qt)."""
