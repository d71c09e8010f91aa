"""The report's charts for the office page, drawn by matplotlib as SVG that the page inlines.

matplotlib is imported inside the functions that draw, not at the top: the app imports this package, and
matplotlib.figure with its ticker and font manager adds about 0.5-0.9 s (python -X importtime, on top of about 1.1 s
for `import jobmatch.web`) to every web worker's and every CLI command's start, for a page the office opens now and
then.
"""

from __future__ import annotations

import io
import os
import re
import threading
import warnings
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import lifecycle
from ..config import Settings
from ..fonts import cjk_font_file
from ..text import strip_pictographs
from .figures import AGE_BANDS, EXITS, Report
from .layout import funnel_rows

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
# The CJK font to measure labels with when JOBMATCH_PDF_FONT names none: the one the PDFs embed, shipped in the
# package (jobmatch/fonts). The office page goes through the package's reports.charts_svg, which passes the package's
# reports.CHART_FONT_FILES (the same tuple unless someone sets it).
CHART_FONT_FILES = (cjk_font_file(),)
# What the browser may draw the labels with (the SVG keeps its text as text); the page's own CSS uses the same list.
CJK_FAMILIES = ("WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")
# SVG presentation attributes: what matplotlib puts in style="" is moved to these, because the pages' CSP
# (style-src 'self') ignores inline styles.
_PRESENTATION = {
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "font-stretch",
    "text-anchor",
    "clip-path",
}
_CHART_LOCK = threading.Lock()  # rc_context and the warnings filter are process-wide
ACCENT, MUTED = "#0b5394", "#8a8a8a"


@lru_cache(maxsize=4)
def chart_font(paths: tuple[str, ...]) -> tuple[str, int | str] | None:
    """Register the first CJK font file that exists with matplotlib: (family, weight), or None when there is none.

    The weight is the font's own (WenQuanYi Zen Hei calls itself 500), so matplotlib finds it without complaint.
    """
    from matplotlib import font_manager  # lazy: see the module docstring

    for path in paths:
        if path and os.path.exists(path):
            font_manager.fontManager.addfont(path)
            entry = next(f for f in font_manager.fontManager.ttflist if f.fname == path)
            return entry.name, entry.weight
    return None


def charts_svg(report: Report, font_files: tuple[str, ...] = CHART_FONT_FILES) -> dict[str, str]:
    """Inline SVG charts for the page: "funnel", "ages" and "firms". Text stays text, in a CJK font list.

    The chart font is JOBMATCH_PDF_FONT when set, else the first of `font_files` that exists: the shipped CJK font.
    Without one matplotlib measures the labels with DejaVu Sans, which has no Chinese glyphs; its "Glyph ... missing"
    warnings (also for a rare character outside the shipped subset) are silenced on purpose, since the browser draws
    the text with its own fonts and only the label widths matplotlib reserved are approximate.
    """
    from matplotlib import rc_context  # lazy: see the module docstring
    from matplotlib.figure import (
        Figure,  # the object API only: no pyplot, so no GUI backend is ever chosen
    )

    found = chart_font((Settings.from_environment().pdf_font or "", *font_files))
    name, weight = found or ("DejaVu Sans", 400)
    rc: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "jobmatch",
        "font.family": ["sans-serif"],
        "font.sans-serif": list(dict.fromkeys([name, *CJK_FAMILIES, "DejaVu Sans"])),
        "font.weight": weight,
        "axes.titleweight": weight,
        "font.size": 12,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    firms = report.vacancies_by_firm[:10]
    plans = {
        "funnel": (
            "推荐结果（居民-岗位对）",
            funnel_rows(report),
            True,
            [ACCENT] * len(lifecycle.STEPS) + [MUTED] * len(EXITS),
        ),
        "ages": (
            "居民年龄",
            [(r.band, r.residents) for r in report.residents_by_age],
            False,
            [ACCENT] * len(AGE_BANDS),
        ),
        "firms": (
            f"各企业招聘人数（前 {len(firms)} 家）" if firms else "各企业招聘人数",
            [(_short(r.employer), r.posts) for r in firms],
            True,
            [ACCENT] * len(firms),
        ),
    }
    out = {}
    with _CHART_LOCK, rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
        for key, (title, items, horizontal, colours) in plans.items():
            figure = Figure(
                figsize=(6.4, 0.9 + 0.32 * max(len(items), 3)) if horizontal else (6.4, 3.0), layout="constrained"
            )
            _draw_bars(figure.subplots(), title, items, horizontal, colours)
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
            out[key] = _inline_svg(buffer.getvalue(), key, title, weight)
    return out


def _short(label: str, limit: int = 14) -> str:
    label = " ".join(strip_pictographs(label).split())  # no chart font has emoji
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _draw_bars(axes, title: str, items: list[tuple[str, int]], horizontal: bool, colours: list[str]) -> None:
    from matplotlib.ticker import MaxNLocator  # lazy: see the module docstring

    # A "$" pair would start matplotlib's mathtext: firm names are plain text.
    labels = [label.replace("$", r"\$") for label, _ in items]
    values = [value for _, value in items]
    axes.set_title(title, loc="left", fontsize=14)
    if not items:
        axes.set_axis_off()
        axes.text(0.5, 0.5, "（无）", ha="center", va="center", transform=axes.transAxes)
        return
    room = max(values) * 1.18 or 1
    if horizontal:
        bars = axes.barh(range(len(items)), values, color=colours)
        axes.set_yticks(range(len(items)), labels)
        axes.invert_yaxis()
        axes.set_xlim(0, room)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        bars = axes.bar(range(len(items)), values, color=colours)
        axes.set_xticks(range(len(items)), labels)
        axes.set_ylim(0, room)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.bar_label(bars, padding=3)


def _inline_svg(raw: str, key: str, title: str, weight: int | str) -> str:
    """matplotlib's SVG made fit to inline in a page under its CSP: style="" becomes presentation attributes, the
    <style> and metadata go, ids nothing points at go and the rest get the chart's prefix (several charts share a
    page), and a <title> names the chart for screen readers."""
    root = ET.fromstring(raw)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG}}}metadata", f"{{{SVG}}}style"):
                parent.remove(child)
    # What the removed <style> said for every element, inherited from the root instead.
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    referenced = {a or b for a, b in re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', raw)}
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            prop, _, value = (part.strip() for part in declaration.partition(":"))
            # The chart font's own weight is its normal one: the browser's CJK font should use its regular face.
            if prop in _PRESENTATION and value and not (prop == "font-weight" and value == str(weight)):
                element.set(prop, value)
        if "id" in element.attrib:
            if element.get("id") in referenced:
                element.set("id", f"chart-{key}-{element.get('id')}")
            else:
                del element.attrib["id"]
        href = element.attrib.pop(f"{{{XLINK}}}href", None)
        if href is not None:
            element.set("href", f"#chart-{key}-{href[1:]}" if href.startswith("#") else href)
        for attribute in ("clip-path", "mask", "filter"):
            url = element.get(attribute)
            if url and url.startswith("url(#"):
                element.set(attribute, f"url(#chart-{key}-{url[5:]}")
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)  # the page's CSS sizes the chart; the viewBox keeps its shape
    root.set("role", "img")
    root.set("class", "chart")
    label = ET.Element(f"{{{SVG}}}title")
    label.text = title
    root.insert(0, label)
    for element in root.iter():  # plain tag names and one xmlns: the markup an HTML page expects of inline SVG
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG)
    return ET.tostring(root, encoding="unicode")
