"""Capture: scanner backends behind one interface, OpenCV clean-up, OCR, PDF/A.

Empty until the capture capability lands (see ARCHITECTURE.md); the layer
contracts already apply to it: no Qt here.
"""
