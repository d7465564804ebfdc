"""Counter statistics against the agency's targets (no Qt).

:mod:`.facts` reads what the local store holds about each dossier received in a
period, :mod:`.measures` counts the measures from those facts (overall, per
period, per procedure or sector), :mod:`.targets` says what the agency aims at
for a period, and :mod:`.workbook` writes the figures as an Excel workbook.
"""
