"""Officer workstation for Vietnam's one-stop-shop counters (Bộ phận Một cửa).

The package root holds the pieces every layer shares: errors, settings, paths,
logging and the message catalogue. Nothing here imports Qt; only
``workstation.ui`` does.
"""

__version__ = "0.1.0"
