"""Writes resources/examples/files/ and dossiers.json: the example import with its pages.

Run from the repository root (``python resources/examples/generate.py``) after
changing the list below. The pages are small grey drawings standing in for
scanned paper (a title bar and lines of "text"), each different, so every file
is its own blob; people and numbers are invented.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
FILES = HERE / "files"
W, H = 248, 350  # A4 at 30 dpi: small on purpose


def page(seed: int, lines: int = 9) -> Image.Image:
    image = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 20, 24 + 40 + (seed * 37) % 160, 34), fill=40)
    for i in range(lines):
        y = 56 + i * 30
        length = 60 + (seed * 53 + i * 29) % 150
        draw.rectangle((24, y, 24 + length, y + 6), fill=90)
    draw.ellipse((170, 280, 220, 330), outline=30, width=3)  # a seal, of sorts
    return image


def write_png(name: str, seed: int) -> str:
    page(seed).save(FILES / name, optimize=True)
    return f"files/{name}"


def write_pdf(name: str, seed: int, pages: int) -> str:
    images = [page(seed + n).convert("RGB") for n in range(pages)]
    images[0].save(FILES / name, save_all=True, append_images=images[1:], resolution=30)
    return f"files/{name}"


_seed = 0


def png(name: str) -> list[str]:
    global _seed
    _seed += 1
    return [write_png(name, _seed)]


def pdf(name: str, pages: int) -> list[str]:
    global _seed
    _seed += 10
    return [write_pdf(name, _seed, pages)]


def comp(code: str, pages: int, files: list[str] | None = None) -> dict:
    entry: dict = {"code": code, "paper_pages": pages}
    if files is not None:
        entry["files"] = files
    return entry


def citizen(name: str, id_number: str, address: str, **extra: str) -> dict:
    return {"type": 1, "name": name, "id_number": id_number, "address": address, **extra}


def main() -> None:
    FILES.mkdir(exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    dossiers = [
        {"import_key": "example-001", "procedure": "1.001193", "received_at": "2026-11-02T08:15:00+07:00",
         "applicant": citizen("Nguyễn Văn An", "036090001234", "Xã Nghĩa Hưng, tỉnh Ninh Bình", phone="0912345678"),
         "components": [comp("TK", 1, png("001-to-khai.png")), comp("GCS", 1, png("001-giay-chung-sinh.png"))]},
        {"import_key": "example-002", "procedure": "1.001193", "received_at": "2026-11-02T15:40:00+07:00",
         "applicant": citizen("Trần Thị Bình", "037195004321", "Phường Hoa Lư, tỉnh Ninh Bình"),
         "note": "filed under the owner's authorisation (UQ): the owner is the child's father",
         "owner": citizen("Phạm Văn Đông", "037090006543", "Phường Hoa Lư, tỉnh Ninh Bình", phone="0911222333"),
         "components": [comp("TK", 1, png("002-to-khai.png")), comp("GCS", 1, png("002-giay-chung-sinh.png")),
                        comp("UQ", 1, png("002-uy-quyen.png"))]},
        {"import_key": "example-003", "procedure": "1.000656", "received_at": "2025-11-20T09:32:00+07:00",
         "applicant": citizen("Lê Văn Cường", "035088007777", "Xã Kim Bảng, tỉnh Ninh Bình", email="cuong@example.vn"),
         "cases": ["poor_household"],
         "components": [comp("TK", 1, png("003-to-khai.png")), comp("XNTT", 1, png("003-xac-nhan.png"))]},
        {"import_key": "example-004", "procedure": "1.000656", "received_at": "2026-11-03T10:05:00+07:00", "channel": "online",
         "collection": "online",
         "applicant": citizen("Phạm Thị Dung", "036196002468", "Phường Nam Định, tỉnh Ninh Bình"),
         "components": [comp("TK", 1, png("004-to-khai.png"))]},
        {"import_key": "example-005", "procedure": "2.000575", "received_at": "2026-11-03T14:20:00+07:00",
         "applicant": citizen("Hoàng Văn Em", "036085003579", "Xã Giao Thủy, tỉnh Ninh Bình", phone="0987654321"),
         "components": [comp("GDN", 2, pdf("005-giay-de-nghi.pdf", 2)), comp("CCCD", 1, png("005-cccd.png")),
                        comp("HDTN", 3, pdf("005-hop-dong-thue.pdf", 3))]},
        {"import_key": "example-006", "procedure": "2.000575", "received_at": "2026-11-04T08:45:00+07:00", "channel": "online",
         "applicant": citizen("Đặng Thị Giang", "037300001122", "Phường Tam Điệp, tỉnh Ninh Bình"),
         "components": [comp("GDN", 2, pdf("006-giay-de-nghi.pdf", 2)), comp("CCCD", 1, png("006-cccd.png"))]},
        {"import_key": "example-007", "procedure": "1.009994", "received_at": "2026-11-04T09:10:00+07:00",
         "applicant": citizen("Vũ Văn Hải", "036079005555", "Xã Hải Hậu, tỉnh Ninh Bình"), "cases": ["person_with_merit"],
         "components": [comp("DN", 1, png("007-don.png")), comp("QSDD", 2, pdf("007-quyen-su-dung-dat.pdf", 2)),
                        comp("BV", 4, pdf("007-ban-ve.pdf", 4))]},
        {"import_key": "example-008", "procedure": "2.000908", "received_at": "2026-11-05T07:35:00+07:00",
         "applicant": citizen("Bùi Thị Hoa", "036198009090", "Phường Phủ Lý, tỉnh Ninh Bình"),
         "components": [comp("BC", 1), comp("BS", 1, png("008-ban-sao.png"))]},
        {"import_key": "example-009", "procedure": "1.000689", "received_at": "2026-11-05T10:00:00+07:00",
         "applicant": citizen("Đỗ Văn Khánh", "035070004444", "Xã Lý Nhân, tỉnh Ninh Bình"),
         "components": [comp("TK", 1, png("009-to-khai.png")), comp("GBT", 1, png("009-giay-bao-tu.png"))]},
        {"import_key": "example-010", "procedure": "1.004873", "received_at": "2026-11-06T13:45:00+07:00", "channel": "on_behalf",
         "applicant": citizen("Ngô Thị Lan", "037199006060", "Xã Yên Mô, tỉnh Ninh Bình"),
         "components": [comp("TK", 1, png("010-to-khai.png"))]},
        {"import_key": "example-011", "procedure": "1.001022", "received_at": "2026-11-09T08:20:00+07:00",
         "applicant": citizen("Dương Văn Minh", "036092007070", "Phường Thiên Trường, tỉnh Ninh Bình"),
         "components": [comp("TK", 1, png("011-to-khai.png")), comp("CC", 3, pdf("011-chung-cu.pdf", 3))]},
        {"import_key": "example-012", "procedure": "1.001695", "received_at": "2026-11-09T16:10:00+07:00", "channel": "online",
         "applicant": citizen("Lý Thị Ngọc", "037301008080", "Xã Nho Quan, tỉnh Ninh Bình"),
         "components": [comp("TK", 1, png("012-to-khai.png"))]},
        {"import_key": "example-013", "procedure": "1.004222", "received_at": "2026-11-10T09:00:00+07:00",
         "applicant": citizen("Mai Văn Phúc", "036087001357", "Phường Ninh Bình, tỉnh Ninh Bình"),
         "components": [comp("CT01", 2, pdf("013-ct01.pdf", 2)), comp("CHO", 1, png("013-cho-o.png"))]},
        {"import_key": "example-014", "procedure": "1.004194", "received_at": "2026-11-10T10:30:00+07:00",
         "applicant": citizen("Tạ Thị Quyên", "038197002244", "Phường Hoa Lư, tỉnh Ninh Bình"),
         "cases": ["poor_household"],
         "components": [comp("CT01", 2, pdf("014-ct01.pdf", 2)), comp("CHO", 1, png("014-cho-o.png"))]},
        {"import_key": "example-015", "procedure": "1.010736", "received_at": "2026-11-11T14:00:00+07:00", "channel": "online",
         "applicant": citizen("Cao Văn Sơn", "036091003366", "Xã Trực Ninh, tỉnh Ninh Bình"),
         "components": [comp("CT07", 1, png("015-to-khai.png"))]},
        {"import_key": "example-016", "procedure": "1.003554", "received_at": "2026-11-12T08:05:00+07:00",
         "applicant": citizen("Trịnh Văn Tâm", "036068004488", "Xã Ý Yên, tỉnh Ninh Bình"),
         "components": [comp("DK", 2, pdf("016-don-dang-ky.pdf", 2)), comp("GT", 3, pdf("016-giay-to-dat.pdf", 3)),
                        comp("NVTC", 0)]},
        {"import_key": "example-017", "procedure": "1.004227", "received_at": "2026-11-12T15:30:00+07:00", "channel": "online",
         "applicant": citizen("Phan Thị Uyên", "037194005599", "Phường Phủ Lý, tỉnh Ninh Bình"),
         "components": [comp("DK", 2, pdf("017-don.pdf", 2)), comp("HD", 4, pdf("017-hop-dong.pdf", 4)),
                        comp("GCN", 2, pdf("017-giay-chung-nhan.pdf", 2))]},
        {"import_key": "example-018", "procedure": "1.005413", "received_at": "2026-11-13T09:15:00+07:00",
         "applicant": {"type": 2, "name": "Công ty TNHH Xây dựng Hòa Bình", "id_number": "0700123456",
                       "address": "Phường Phủ Lý, tỉnh Ninh Bình", "email": "lienhe@hoabinh.example.vn"},
         "components": [comp("DN", 1, png("018-don.png")), comp("GCN", 2, pdf("018-giay-chung-nhan.pdf", 2)),
                        comp("BD", 1, png("018-ban-ve.png"))]},
        {"import_key": "example-019", "procedure": "2.001612", "received_at": "2026-11-16T10:40:00+07:00", "channel": "online",
         "applicant": citizen("Hồ Văn Vinh", "036083006611", "Xã Nghĩa Hưng, tỉnh Ninh Bình"),
         "components": [comp("TB", 1, png("019-thong-bao.png")), comp("GCN", 1, png("019-giay-chung-nhan.png"))]},
        {"import_key": "example-020", "procedure": "2.001575", "received_at": "2026-11-17T08:50:00+07:00", "channel": "post",
         "collection": "post",
         "applicant": citizen("Lâm Thị Xuân", "037199007733", "Phường Tam Điệp, tỉnh Ninh Bình"),
         "components": [comp("TB", 1, png("020-thong-bao.png"))]},
        {"import_key": "example-021", "procedure": "2.000884", "received_at": "2026-11-18T09:25:00+07:00",
         "applicant": {"type": 3, "name": "Ủy ban nhân dân xã Kim Sơn", "address": "Xã Kim Sơn, tỉnh Ninh Bình"},
         "components": [comp("VB", 2, pdf("021-van-ban.pdf", 2)), comp("CCCD", 1, png("021-giay-to.png"))]},
        {"import_key": "example-022", "procedure": "2.001035", "received_at": "2026-11-19T13:35:00+07:00",
         "applicant": {"type": 4, "name": "Hợp tác xã Nông nghiệp Xuân Trường", "id_number": "0600999888",
                       "address": "Xã Xuân Trường, tỉnh Ninh Bình", "phone": "02283123456"},
         "components": [comp("HD", 3, pdf("022-hop-dong.pdf", 3)), comp("GT", 1, png("022-giay-to.png"))]},
        {"import_key": "example-023", "procedure": "1.009995", "received_at": "2026-11-20T10:10:00+07:00",
         "applicant": citizen("Kiều Văn Yên", "036080008822", "Xã Gia Viễn, tỉnh Ninh Bình"),
         "owner": {"type": 2, "name": "Công ty TNHH Thương mại Gia Viễn", "id_number": "0700765432",
                   "address": "Xã Gia Viễn, tỉnh Ninh Bình"},
         "collection": "post",
         "components": [comp("DN", 1, png("023-don.png")), comp("BV", 3, pdf("023-ban-ve.pdf", 3)),
                        comp("QSH", 1, png("023-so-huu.png"))]},
        {"import_key": "example-024", "procedure": "1.009997", "received_at": "2026-11-23T08:30:00+07:00",
         "applicant": citizen("Quách Thị Ánh", "037195009911", "Xã Hải Hậu, tỉnh Ninh Bình"),
         "note": "the permit was brought with a sticky note: two images of its one page",
         "components": [comp("DN", 1, png("024-don.png")), comp("GP", 1, pdf("024-giay-phep.pdf", 2))]},
        {"import_key": "example-025", "procedure": "1.001776", "received_at": "2026-11-24T09:45:00+07:00",
         "applicant": citizen("Đinh Văn Bảo", "037062001010", "Xã Nho Quan, tỉnh Ninh Bình"),
         "cases": [],
         "components": [comp("TK", 2, pdf("025-to-khai.pdf", 2)), comp("XN", 1)]},
        {"import_key": "example-026", "procedure": "1.001699", "received_at": "2026-11-25T14:55:00+07:00",
         "applicant": citizen("Tô Thị Cúc", "036193002020", "Xã Giao Thủy, tỉnh Ninh Bình"),
         "components": [comp("DN", 1, png("026-giay-de-nghi.png"))]},
    ]
    for d in dossiers:
        d.pop("note", None)  # notes are for whoever reads this script
    document = {
        "format": "workstation.dossiers/1",
        "about": "Example import: invented people and pages, procedures from the illustrative sample catalogue. Schema: dossiers.schema.json.",
        "dossiers": dossiers,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    (HERE / "dossiers.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
