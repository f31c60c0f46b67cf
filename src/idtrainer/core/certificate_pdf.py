"""Certificates as PDF: A4 landscape, DejaVu Sans embedded, one certificate per page.

The text is drawn with embedded TrueType fonts, so it extracts as real Unicode
in every language (Kazakh ә ғ қ ң ө ұ ү һ і, Uzbek oʻ gʻ with U+02BB). The file is
written to ``NAME.partial`` and renamed when complete.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from idtrainer.core.certificates import Certificate, CertificateTemplate, certificate_picture
from idtrainer.core.i18n import N_, format_date, format_percent, gettext_in
from idtrainer.core.resources import assets_dir

FONT, BOLD = "IDTrainerSans", "IDTrainerSans-Bold"
PAGE = landscape(A4)
INK = Color(0.12, 0.18, 0.32)

TITLE = N_("Certificate")
TITLES = {"attendance": N_("Certificate of attendance"),
          "achievement": N_("Certificate of achievement")}
BODIES = {"attendance": N_("has attended the training"),
          "achievement": N_("has passed the final test of the training")}
CERTIFIES = N_("This certifies that")
COMPLETED = N_("has completed the training course")
SCORE = N_("Final test score: {score}")
DATE = N_("Date: {date}")
SERIAL = N_("No. {serial}")
VERIFY = N_("Scan to verify in IDTrainer")


def register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        fonts = assets_dir() / "fonts"
        pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))


def _fit(text: str, font: str, size: float, width: float, smallest: float = 10) -> float:
    """The largest size up to ``size`` at which ``text`` fits ``width``."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most ``width``; a word wider than a line is broken between letters."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
        while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


def _fit_lines(text: str, font: str, size: float, width: float, lines: int,
               smallest: float = 8) -> tuple[float, list[str]]:
    """The largest size up to ``size`` at which ``text`` wraps into ``lines`` lines.

    With the length limits of :mod:`idtrainer.core.certificates` even the widest
    letters fit at ``smallest``."""
    while size > smallest and len(_wrap(text, font, size, width)) > lines:
        size -= 1
    return size, _wrap(text, font, size, width)


def draw_qr(c: Canvas, text: str, x: float, y: float, side: float) -> None:
    """The QR code as filled squares (renderPDF would add an unembedded default font).

    Encoded with segno, which is about twice as fast as reportlab's encoder."""
    matrix = segno.make_qr(text, error="m", boost_error=False).matrix
    n = len(matrix)
    module = side / (n + 8)  # a quiet zone of four modules on each side
    c.saveState()
    c.setFillColor(Color(0, 0, 0))
    path = c.beginPath()
    for row in range(n):
        col = 0
        while col < n:  # one rectangle per run of dark modules: far fewer numbers to write
            if not matrix[row][col]:
                col += 1
                continue
            end = col
            while end < n and matrix[row][end]:
                end += 1
            path.rect(x + (col + 4) * module, y + side - (row + 5) * module,
                      (end - col) * module, module)
            col = end
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


class TemplatePictures:
    """The template's logo and signature as they passed the picture gate, read once for
    a whole batch and embedded once per PDF (a form drawn on every page); a picture the
    template names none of, or whose file is gone, is left out."""

    def __init__(self, logo: bytes | None, signature: bytes | None) -> None:
        self.readers = {"logo": ImageReader(io.BytesIO(logo)) if logo else None,
                        "signature": ImageReader(io.BytesIO(signature)) if signature else None}
        self._defined: set[tuple[int, str]] = set()

    @classmethod
    def of(cls, template: CertificateTemplate) -> TemplatePictures:
        def checked(path: str) -> bytes | None:
            if not path or not Path(path).is_file():
                return None  # a missing logo is left out, as before
            return certificate_picture(path)

        return cls(checked(template.logo_path), checked(template.signature_path))

    def draw(self, c: Canvas, which: str, x: float, y: float, width: float,
             height: float) -> None:
        reader = self.readers[which]
        if reader is None:
            return
        # An image drawn from a reader is hashed again on every page; a form is not.
        name = f"idt-{which}-{id(self):x}"
        if (id(c), name) not in self._defined:
            c.beginForm(name)
            c.drawImage(reader, x, y, width=width, height=height, preserveAspectRatio=True,
                        mask="auto")
            c.endForm()
            self._defined.add((id(c), name))
        c.doForm(name)


def draw_certificate(c: Canvas, cert: Certificate, template: CertificateTemplate,
                     pictures: TemplatePictures | None = None) -> None:
    if pictures is None:
        pictures = TemplatePictures.of(template)
    width, height = PAGE
    main = cert.locale
    second = next((lang for lang in template.languages if lang != main), None) \
        if len(template.languages) > 1 else None

    def t(message: str, lang: str) -> str:
        return gettext_in(lang, message)

    c.setStrokeColor(INK)
    c.setLineWidth(3)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(0.8)
    c.rect(32, 32, width - 64, height - 64)
    c.setFillColor(INK)
    y = height - 78
    pictures.draw(c, "logo", 56, height - 120, 70, 70)
    if template.organisation:
        size = _fit(template.organisation, BOLD, 15, width - 260)
        c.setFont(BOLD, size)
        c.drawCentredString(width / 2, y, template.organisation)
    y -= 62
    title = TITLES.get(cert.kind, TITLE)
    size = _fit(t(title, main).upper(), BOLD, 38, width - 120)
    c.setFont(BOLD, size)
    c.drawCentredString(width / 2, y, t(title, main).upper())
    if second and t(title, second).upper() != t(title, main).upper():
        y -= 24
        c.setFont(FONT, 16)
        c.drawCentredString(width / 2, y, t(title, second).upper())

    def line(message: str, size: float) -> None:
        nonlocal y
        y -= size + 12
        c.setFont(FONT, size)
        c.drawCentredString(width / 2, y, t(message, main))
        if second:
            y -= size
            c.setFont(FONT, size - 4)
            c.drawCentredString(width / 2, y, t(message, second))

    line(CERTIFIES, 15)
    y -= 44
    size = _fit(cert.trainee_name, BOLD, 30, width - 160, smallest=6)
    c.setFont(BOLD, size)
    c.drawCentredString(width / 2, y, cert.trainee_name)
    line(BODIES.get(cert.kind, COMPLETED), 15)
    y -= 12
    size, course = _fit_lines(cert.course_title, BOLD, 20, width - 200, lines=3)
    for text in course:
        y -= size + 6
        c.setFont(BOLD, size)
        c.drawCentredString(width / 2, y, text)
    if template.show_score and cert.score is not None:
        y -= 26
        c.setFont(FONT, 13)
        score = format_percent(cert.score / 100, lang=main)
        c.drawCentredString(width / 2, y, t(SCORE, main).format(score=score))

    # Footer: date and serial on the left, signatory in the middle, QR on the right.
    day = format_date(dt.date.fromisoformat(cert.issued_on), "long", lang=main)
    c.setFont(FONT, 11)
    c.drawString(60, 92, t(DATE, main).format(date=day))
    c.drawString(60, 74, t(SERIAL, main).format(serial=cert.serial))
    pictures.draw(c, "signature", width / 2 - 60, 98, 120, 40)
    c.setLineWidth(0.6)
    c.line(width / 2 - 110, 96, width / 2 + 110, 96)
    if template.signatory:
        c.setFont(BOLD, 11)
        c.drawCentredString(width / 2, 82, template.signatory)
    if template.signatory_title:
        c.setFont(FONT, 9)
        c.drawCentredString(width / 2, 70, template.signatory_title)
    side = 118
    draw_qr(c, cert.payload, width - 60 - side, 52, side)
    c.setFont(FONT, 7)
    c.drawCentredString(width - 60 - side / 2, 46, t(VERIFY, main))
    if cert.revoked_at:
        c.saveState()
        c.setFillColor(Color(0.75, 0.1, 0.1, alpha=0.35))
        c.setFont(BOLD, 90)
        c.translate(width / 2, height / 2)
        c.rotate(25)
        c.drawCentredString(0, 0, "VOID")
        c.restoreState()


def render(certificates: Sequence[Certificate], template: CertificateTemplate, path: Path,
           progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the certificates to ``path``, one per page; atomic on the target folder."""
    register_fonts()
    pictures = TemplatePictures.of(template)  # before any file is made
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    # The initial font must be ours too: reportlab would otherwise list Helvetica, unembedded.
    c = Canvas(str(partial), pagesize=PAGE, pageCompression=1, initialFontName=FONT,
               initialFontSize=12)
    c.setTitle("IDTrainer certificates")
    c.setAuthor(template.organisation or "IDTrainer")
    try:
        for i, cert in enumerate(certificates, 1):
            draw_certificate(c, cert, template, pictures)
            c.showPage()
            if progress:
                progress(i, len(certificates))
        c.save()
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path
