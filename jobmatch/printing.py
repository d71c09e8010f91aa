"""Shortlists for printing: the data, an A4 HTML page (see templates/print_*.html) and a PDF with real Chinese text.

The PDF embeds the WenQuanYi Zen Hei subset shipped in the package (jobmatch/fonts: a TrueType font, so reportlab can
subset and embed it), or the TrueType font JOBMATCH_PDF_FONT names; nothing has to be installed on the machine.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import localtime
from .config import Settings
from .fonts import cjk_font_file
from .matching.explain import wage_text
from .matching.fit import LABELS as FIT_LABELS
from .matching.fit import WEAK
from .privacy import mask_name, mask_phone
from .services import job_record
from .text import strip_pictographs
from .vocabulary import AVAILABILITY_LABELS, SHIFT_LABELS


@dataclass
class JobLine:
    job_id: int
    title: str
    employer: str
    pay: str
    shift: str
    place: str
    distance: str
    contact_phone: str
    reasons: list[str]
    eligible: bool
    fit: str = ""  # 很合适, 可以问问 or 不太合适


@dataclass
class ResidentLine:
    profile_id: int
    name: str
    age: str
    place: str
    phone: str
    availability: str
    reasons: list[str]
    eligible: bool
    fit: str = ""


@dataclass
class Shortlist:
    heading: str
    subject: str
    details: list[str]
    jobs: list[JobLine] = field(default_factory=list)
    residents: list[ResidentLine] = field(default_factory=list)
    # Said above the list when even its best is a weak fit.
    note: str = ""
    # Beijing time; the prints add the label (localtime.LABEL).
    printed_at: str = field(default_factory=lambda: localtime.beijing(localtime.now()))


def printed_time(shortlist: Shortlist) -> str:
    """When the list was printed, with its label: "2026-03-14 15:24（北京时间）"."""
    return f"{shortlist.printed_at}（{localtime.LABEL}）"


WEAK_NOTE = {
    "jobs": "暂时没有特别合适的岗位，下面几个可以问问工作人员。",
    "residents": "暂时没有特别合适的居民，下面几位都不太合适。",
}


def _heading(fair_name: str | None, what: str) -> str:
    fair = fair_name or "社区服务大集"
    return f"{fair} · {what}" if "送岗" in fair else f"{fair} · 送岗摊位 · {what}"


def _place(town, community) -> str:
    return " ".join(p for p in (town, community) if p)


def resident_shortlist(profile, pairs, fair_name: str | None = None) -> Shortlist:
    """Jobs for one resident; `pairs` are (Job, Match) from services.jobs_for_profile."""
    lines = []
    for job, match in pairs:
        distance = match.features.get("distance_km")
        lines.append(
            JobLine(
                job_id=job.id,
                title=job.title,
                employer=job.employer.name,
                pay=wage_text(job_record(job)) or "面议",
                shift=SHIFT_LABELS.get(job.shift, job.shift),
                place=_place(job.town, job.community),
                distance="" if distance is None or distance != distance else f"{distance:.1f} 公里",
                contact_phone=job.contact_phone or job.employer.contact_phone or "",
                reasons=match.reasons,
                eligible=match.eligible,
                fit=FIT_LABELS.get(match.fit, ""),
            )
        )
    details = [f"号码 {profile.ticket}" if profile.ticket else f"编号 {profile.id}"]
    if profile.age:
        details.append(f"{profile.age} 岁")
    details.append(AVAILABILITY_LABELS.get(profile.availability, profile.availability))
    return Shortlist(
        heading=_heading(fair_name, "推荐岗位"),
        subject=mask_name(profile.name) or "居民",
        details=details,
        jobs=lines,
        note=WEAK_NOTE["jobs"] if pairs and pairs[0][1].fit == WEAK else "",
    )


def job_shortlist(job, pairs, show_phone: bool, fair_name: str | None = None) -> Shortlist:
    """Residents for one vacancy; phones are masked unless `show_phone` (staff printing for their own calls)."""
    lines = [
        ResidentLine(
            profile_id=p.id,
            name=p.name or "",
            age=str(p.age) if p.age else "",
            place=_place(p.town, p.community),
            phone=(p.phone or "") if show_phone else (mask_phone(p.phone) or ""),
            availability=AVAILABILITY_LABELS.get(p.availability, p.availability),
            reasons=m.reasons_for_staff,  # a candidate list is for staff: it speaks about the resident
            eligible=m.eligible,
            fit=FIT_LABELS.get(m.fit, ""),
        )
        for p, m in pairs
    ]
    return Shortlist(
        heading=_heading(fair_name, "候选居民"),
        subject=f"{job.title}（{job.employer.name}）",
        details=[
            wage_text(job_record(job)) or "面议",
            SHIFT_LABELS.get(job.shift, job.shift),
            _place(job.town, job.community),
        ],
        residents=lines,
        note=WEAK_NOTE["residents"] if pairs and pairs[0][1].fit == WEAK else "",
    )


# --- QR codes --------------------------------------------------------------------------------------


def qr_drawing(value: str, size_mm: float = 20.0):
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm

    widget = QrCodeWidget(value)
    x0, y0, x1, y1 = widget.getBounds()
    size = size_mm * mm
    # The drawing's initial font is the PDF's own: reportlab's default, Helvetica, would be named and not embedded.
    transform = [size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0]
    drawing = Drawing(size, size, transform=transform, initialFontName=pdf_font())
    drawing.add(widget)
    return drawing


def _qr_flowable(value: str, size_mm: float = 20.0):
    """A QR code drawn once per document as a PDF form and reused: a fair's slips repeat a few firm phones."""
    import hashlib

    from reportlab.graphics import renderPDF
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable

    class QrForm(Flowable):
        def wrap(self, available_width, available_height):
            return size_mm * mm, size_mm * mm

        def draw(self):
            name = "qr" + hashlib.sha1(value.encode()).hexdigest()[:16]
            drawn = self.canv.__dict__.setdefault("_jobmatch_forms", set())
            if name not in drawn:
                self.canv.beginForm(name)
                renderPDF.draw(qr_drawing(value, size_mm), self.canv, 0, 0)
                self.canv.endForm()
                drawn.add(name)
            self.canv.doForm(name)

    return QrForm()


def qr_svg(value: str) -> str:
    """A compact inline SVG of a QR code for the HTML print pages: one path, no script, no style attribute."""
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(value)
    code.make()
    n = code.getModuleCount()
    quiet = 4
    cells = "".join(f"M{c + quiet} {r + quiet}h1v1h-1z" for r in range(n) for c in range(n) if code.isDark(r, c))
    size = n + 2 * quiet
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{cells}" fill="#000"/></svg>'
    )


# --- PDF -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def pdf_font() -> str:
    """Register and name the CJK font for PDFs (see the module docstring)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    configured = Settings.from_environment().pdf_font
    path = configured if configured and os.path.exists(configured) else cjk_font_file()
    pdfmetrics.registerFont(TTFont("JobmatchCJK", path, subfontIndex=0))
    return "JobmatchCJK"


@lru_cache(maxsize=1)
def _styles():
    from reportlab.lib.styles import ParagraphStyle

    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=22, spaceAfter=4),
        "subject": ParagraphStyle("subject", parent=base, fontSize=14, leading=19),
        "job": ParagraphStyle("job", parent=base, fontSize=13, leading=17),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=13),
    }


# The typesetter's mark for a character the type lacks (GB2312 A1FE, so the shipped font has it).
MISSING_CHARACTER = "〓"


@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    """The code points the PDF font can draw."""
    from reportlab.pdfbase import pdfmetrics

    return frozenset(pdfmetrics.getFont(pdf_font()).face.charToGlyph)


def printable(text) -> str:
    """The text as the PDF font can draw it: emoji and decorations left out, so no glyph prints as a box, and a
    letter the font lacks (a rare name character outside the shipped subset) shown as 〓, so a name never prints
    shorter without anyone seeing it."""
    plain = strip_pictographs(str(text or ""))
    known = _font_characters()
    plain = "".join(
        ch if ord(ch) in known or ch.isspace() else MISSING_CHARACTER if ch.isalnum() else "" for ch in plain
    )
    return " ".join(plain.split()) if plain != str(text or "") else plain


def _esc(text) -> str:
    from xml.sax.saxutils import escape

    return escape(printable(text))


def _story(shortlist: Shortlist) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    s = _styles()
    story = [
        Paragraph(_esc(shortlist.heading), s["title"]),
        Paragraph(f"{_esc(shortlist.subject)}　{_esc('　'.join(shortlist.details))}", s["subject"]),
        Spacer(1, 4 * mm),
    ]
    if shortlist.note:
        story += [Paragraph(_esc(shortlist.note), s["body"]), Spacer(1, 2 * mm)]
    rows = []
    for i, job in enumerate(shortlist.jobs, start=1):
        text = [
            Paragraph(f"{i}. {_esc(job.title)}　{_esc(job.employer)}　【{_esc(job.fit)}】", s["job"]),
            Paragraph(f"{_esc(job.pay)}　{_esc(job.shift)}　{_esc(job.place)}　{_esc(job.distance)}", s["body"]),
            Paragraph(f"联系电话 {_esc(job.contact_phone) or '请问工作人员'}", s["body"]),
            Paragraph("；".join(_esc(r) for r in job.reasons), s["small"]),
        ]
        rows.append([text, _qr_flowable(job.contact_phone) if job.contact_phone else ""])
    for i, person in enumerate(shortlist.residents, start=1):
        text = [
            Paragraph(
                f"{i}. {_esc(person.name)}　{_esc(person.age)} 岁　{_esc(person.place)}　【{_esc(person.fit)}】",
                s["job"],
            ),
            Paragraph(f"电话 {_esc(person.phone)}　{_esc(person.availability)}", s["body"]),
            Paragraph("；".join(_esc(r) for r in person.reasons), s["small"]),
        ]
        rows.append([text, ""])
    if not rows:
        story.append(Paragraph("暂时没有合适的岗位，请问工作人员。", s["body"]))
        return story
    table = Table(rows, colWidths=[150 * mm, 26 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), pdf_font()),  # else the cells name Helvetica, which is not embedded
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm), Paragraph(f"打印时间 {_esc(printed_time(shortlist))}", s["small"])]
    return story


def shortlists_pdf(shortlists: Iterable[Shortlist], progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF, each shortlist starting on a new A4 page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="jobmatch shortlist",
        author="jobmatch",
        initialFontName=pdf_font(),  # else each page names Helvetica, a font the PDF does not embed
    )
    story: list = []
    for number, shortlist in enumerate(shortlists, start=1):
        if story:
            story.append(PageBreak())
        story += _story(shortlist)
        if progress:
            progress(number)
    document.build(story)
    return buffer.getvalue()
