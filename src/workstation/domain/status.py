"""Dossier statuses as the national public-service portal lists them (trạng thái hồ sơ)."""

from __future__ import annotations

from enum import IntEnum


class DossierStatus(IntEnum):
    """The portal's status codes; the interface shows ``message_key`` from the catalogue."""

    NEWLY_REGISTERED = 1  # mới đăng ký
    RECEIVED = 2  # đã tiếp nhận
    NOT_RECEIVED = 3  # không tiếp nhận (từ chối)
    PROCESSING = 4  # đang xử lý
    SUPPLEMENT_REQUESTED = 5  # yêu cầu bổ sung
    FINANCIAL_OBLIGATION_REQUESTED = 6  # yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # công dân yêu cầu rút hồ sơ
    STOPPED = 8  # dừng xử lý
    PROCESSED = 9  # đã xử lý xong
    RESULT_RETURNED = 10  # đã trả kết quả

    @property
    def message_key(self) -> str:
        return f"dossier_status.{self.value}"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset(
    {
        DossierStatus.NOT_RECEIVED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.RESULT_RETURNED,
    }
)
