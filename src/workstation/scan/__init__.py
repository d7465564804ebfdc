"""Capture: scanned pages into searchable PDF/A (no Qt here).

``inputs`` lists and decodes scanned files, ``clean`` deskews, crops and checks
pages, ``ocr`` runs Tesseract, ``pdf`` writes PDF/A-2b, ``policy`` holds the
colour rules, ``pipeline`` ties them together over a process pool, and
``specimens`` generates pages with known text for tests, benchmarks and demos.
Scanner backends come next, behind one interface.
"""
