"""The capture view: scan from a device, review the pages, save into a dossier or as a PDF/A."""
