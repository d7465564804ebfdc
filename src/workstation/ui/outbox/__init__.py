"""The outbox page, the sending worker and the sign-in dialog."""
