"""A QR code as a ``QImage`` (zxing-cpp's encoder), for the officer's and the citizen's screens."""

from __future__ import annotations

import zxingcpp
from PySide6.QtGui import QImage, QPixmap


def qr_pixmap(payload: str, scale: int = 6) -> QPixmap:
    """``payload`` drawn as a QR code with its quiet zone, ``scale`` pixels per module."""
    symbol = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(scale=scale, add_quiet_zones=True)
    view = memoryview(image)
    height, width = view.shape[0], view.shape[1]
    data = view.tobytes()
    qimage = QImage(data, width, height, width, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())  # copy: ``data`` goes away with this function
