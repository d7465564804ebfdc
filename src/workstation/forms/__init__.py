"""Forms 01–07 of Circular 03/2025 (receipt, supplement request, refusal, apology,
stop notice, control slip, register): their data (:mod:`.model`), wording
(:mod:`.texts`, from ``resources/forms/``), filling from a stored dossier
(:mod:`.build`) and rendering to PDF (:mod:`.render`). No Qt here: the window
prints the PDF through the system's print dialog.
"""
