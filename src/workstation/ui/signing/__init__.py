"""The signing section: the signing queue with its token and look, and the verify panel."""
