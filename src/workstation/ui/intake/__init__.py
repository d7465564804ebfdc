"""The counter's intake view (tiếp nhận): receive a dossier by keyboard, print its receipt."""
