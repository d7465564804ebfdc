"""Regenerate the sample page used by the demo and the tests.

    .venv/bin/python resources/samples/make_samples.py

Draws a birth-registration form (Tờ khai đăng ký khai sinh) at 200 dpi, A4,
in greyscale, with Vietnamese text in Liberation Serif (metric-compatible with
Times New Roman, full Vietnamese glyphs; Debian package fonts-liberation2).
The output is committed, so nothing runs this at install or test time.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
DPI = 200
WIDTH, HEIGHT = round(8.27 * DPI), round(11.69 * DPI)


def blank() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    page = Image.new("L", (WIDTH, HEIGHT), 255)
    return page, ImageDraw.Draw(page)


def centred(draw: ImageDraw.ImageDraw, y: int, text: str, font: ImageFont.FreeTypeFont) -> None:
    width = draw.textlength(text, font=font)
    draw.text(((WIDTH - width) / 2, y), text, font=font, fill=0)


def business_request() -> list[Image.Image]:
    """Two pages of a household-business registration request (Giấy đề nghị)."""
    bold, body = ImageFont.truetype(BOLD, 34), ImageFont.truetype(FONT, 34)
    first, draw = blank()
    centred(draw, 150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    centred(draw, 200, "Độc lập - Tự do - Hạnh phúc", bold)
    centred(draw, 360, "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", ImageFont.truetype(BOLD, 44))
    centred(draw, 430, "Kính gửi: Phòng Tài chính - Kế hoạch", body)
    lines = [
        "Tôi là: Phạm Văn Hùng          Giới tính: Nam",
        "Sinh ngày: 14/08/1985          Dân tộc: Kinh",
        "Chỗ ở hiện tại: Phường Nam Định, tỉnh Ninh Bình",
        "Đăng ký hộ kinh doanh với các nội dung sau:",
        "1. Tên hộ kinh doanh: Hộ kinh doanh Cà phê Sông Đáy",
        "2. Địa chỉ trụ sở: số 12 đường Trần Hưng Đạo",
        "3. Ngành, nghề kinh doanh: Dịch vụ ăn uống",
        "4. Vốn kinh doanh: 150.000.000 đồng",
        "5. Số lượng lao động: 04 người",
    ]
    for n, line in enumerate(lines):
        draw.text((170, 560 + 80 * n), line, font=body, fill=0)
    second, draw = blank()
    draw.text((170, 200), "6. Thông tin về các thành viên hộ gia đình:", font=body, fill=0)
    draw.text((170, 280), "Phạm Thị Lụa - vợ - đồng ý góp vốn", font=body, fill=0)
    draw.text((170, 360), "Tôi cam kết nội dung kê khai là đúng sự thật.", font=body, fill=0)
    draw.text((WIDTH - 830, 520), "Ninh Bình, ngày 20 tháng 10 năm 2026", font=body, fill=0)
    draw.text((WIDTH - 660, 590), "Chủ hộ kinh doanh", font=bold, fill=0)
    draw.text((WIDTH - 640, 790), "Phạm Văn Hùng", font=body, fill=0)
    return [first, second]


def main() -> None:
    pages = business_request()
    pdf = Path(__file__).with_name("giay-de-nghi-ho-kinh-doanh.pdf")
    pages[0].save(pdf, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    print(pdf, pdf.stat().st_size, "bytes")
    page = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(BOLD, 44)
    bold = ImageFont.truetype(BOLD, 34)
    body = ImageFont.truetype(FONT, 34)

    def centred(y: int, text: str, font: ImageFont.FreeTypeFont) -> None:
        width = draw.textlength(text, font=font)
        draw.text(((WIDTH - width) / 2, y), text, font=font, fill=0)

    centred(150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    centred(200, "Độc lập - Tự do - Hạnh phúc", bold)
    draw.line((WIDTH / 2 - 220, 250, WIDTH / 2 + 220, 250), fill=0, width=2)
    centred(360, "TỜ KHAI ĐĂNG KÝ KHAI SINH", title)
    centred(430, "Kính gửi: Ủy ban nhân dân phường Hoa Lư, tỉnh Ninh Bình", body)
    lines = [
        "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hồng Nhung",
        "Nơi cư trú: Phường Hoa Lư, tỉnh Ninh Bình",
        "Quan hệ với người được khai sinh: Mẹ",
        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
        "Họ, chữ đệm, tên: Trần Minh Đức",
        "Ngày, tháng, năm sinh: 05/03/2026",
        "Giới tính: Nam     Dân tộc: Kinh     Quốc tịch: Việt Nam",
        "Nơi sinh: Bệnh viện Sản Nhi tỉnh Ninh Bình",
        "Quê quán: xã Ý Yên, tỉnh Ninh Bình",
        "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật",
        "và chịu trách nhiệm trước pháp luật về cam đoan của mình.",
    ]
    y = 560
    for line in lines:
        draw.text((170, y), line, font=body, fill=0)
        y += 80
    draw.text(
        (WIDTH - 830, y + 60), "Làm tại: Ninh Bình, ngày 12 tháng 3 năm 2026", font=body, fill=0
    )
    draw.text((WIDTH - 600, y + 130), "Người yêu cầu", font=bold, fill=0)
    draw.text((WIDTH - 660, y + 330), "Nguyễn Thị Hồng Nhung", font=body, fill=0)
    out = Path(__file__).with_name("to-khai-khai-sinh.png")
    page.save(out, dpi=(DPI, DPI), optimize=True)
    print(out, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
