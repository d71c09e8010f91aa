"""The PDFs are right on a fresh machine: every font they use is the CJK font shipped in the package (jobmatch/fonts),
embedded, with a glyph for every character they print; the charts measure with the same font; the wheel carries it
with its licence.

Needs poppler-utils (pdffonts, pdftotext, pdftoppm). The PDF tests are skipped when it is missing, unless
JOBMATCH_REQUIRE_BROWSER=1 (CI sets it), which makes it a failure, as for the browser tests.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import login, run

from jobmatch.fonts import CJK_FONT, cjk_font_file

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "jobmatch" / "fonts"
POPPLER = ("pdffonts", "pdftotext", "pdftoppm")
MISSING = [tool for tool in POPPLER if shutil.which(tool) is None]
if MISSING and os.environ.get("JOBMATCH_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"PDF font tests required but poppler-utils is missing: {', '.join(MISSING)}")
needs_poppler = pytest.mark.skipif(bool(MISSING), reason=f"poppler-utils not installed: {', '.join(MISSING)}")


@pytest.fixture(scope="module")
def font_characters() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(cjk_font_file()).getBestCmap())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The app as the README's first command leaves it: the demo fair loaded, a stall login and an office login."""
    from jobmatch import create_app
    from jobmatch.auth import create_user
    from jobmatch.db import db, upgrade
    from jobmatch.demo import load_demo

    folder = tmp_path_factory.mktemp("fonts")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance")})
    with app.app_context():
        load_demo(db.session, app.extensions["jobmatch.index"])
        create_user(db.session, "stall", "stall-password", "staff")
        create_user(db.session, "clerk", "clerk-password", "office")
    app.config["TEST_FOLDER"] = folder
    yield app
    app.extensions["jobmatch.db"]["engine"].dispose()


def _signed_in(app, username: str):
    client = app.test_client()
    assert login(client, username, f"{username}-password").status_code == 302
    return client


def _first(app, model):
    from sqlalchemy import select

    from jobmatch.db import db

    with app.app_context():
        return db.session.scalar(select(model.id).order_by(model.id).limit(1))


def _download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf", path
    return response.data


def _resident_shortlist(app):
    from jobmatch.models import Profile

    return _download(_signed_in(app, "stall"), f"/staff/residents/{_first(app, Profile)}/shortlist.pdf")


def _job_shortlist(app):
    from jobmatch.models import Job

    return _download(_signed_in(app, "stall"), f"/staff/jobs/{_first(app, Job)}/shortlist.pdf")


def _whole_fair(app, tmp_path):
    """`jobmatch print-fair`: every demo resident's shortlist, so every demo title, firm, place and reason."""
    from jobmatch.models import Fair

    out = tmp_path / "fair.pdf"
    env = {
        **os.environ,
        "JOBMATCH_DATABASE_URL": app.config["DATABASE_URL"],
        "JOBMATCH_INSTANCE_PATH": str(app.config["TEST_FOLDER"] / "instance"),
    }
    result = run("print-fair", "--fair", str(_first(app, Fair)), "-o", str(out), env=env)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def _office_report(app):
    from jobmatch.models import Fair

    return _download(_signed_in(app, "clerk"), f"/office/reports.pdf?fair={_first(app, Fair)}")


DOCUMENTS = {
    "resident shortlist": lambda app, tmp_path: _resident_shortlist(app),
    "job shortlist": lambda app, tmp_path: _job_shortlist(app),
    "whole fair": _whole_fair,
    "office report": lambda app, tmp_path: _office_report(app),
}


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)


@needs_poppler
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_pdf_embeds_the_shipped_font_with_a_glyph_for_every_character(demo, document, font_characters, tmp_path):
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(DOCUMENTS[document](demo, tmp_path))

    listing = _run("pdffonts", str(pdf)).stdout.splitlines()
    assert listing[0].split()[:3] == ["name", "type", "encoding"] and listing[1].startswith("---")
    fonts = listing[2:]
    assert fonts, "the PDF uses no font at all"
    for line in fonts:
        # name, type (TrueType), encoding, then emb sub uni and the object number
        assert re.fullmatch(r"[A-Z]{6}\+WenQuanYiZenHei\s+TrueType\s+\S+\s+yes\s+yes\s+yes\s+\d+\s+\d+", line), line
    assert "STSong" not in "\n".join(fonts)

    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-").stdout
    assert "·" in text and re.search("[\u4e00-\u9fff]{4}", text)
    lacking = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in font_characters})
    assert lacking == [], f"characters printed without a glyph: {''.join(lacking)}"
    assert "〓" not in text  # the demo's own text needs no stand-in for a missing character

    rendered = subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rendered.returncode == 0 and rendered.stderr == ""  # poppler names any font it had to stand in for
    (page,) = tmp_path.glob("page-*.png")
    assert page.stat().st_size > 5000


def test_pdfs_and_charts_use_the_font_shipped_in_the_package():
    from reportlab.pdfbase import pdfmetrics

    from jobmatch import reports
    from jobmatch.printing import pdf_font

    shipped = Path(cjk_font_file())
    assert shipped == FONTS / CJK_FONT  # the package's own file, not a system font
    assert os.path.samefile(pdfmetrics.getFont(pdf_font()).face.filename, shipped)
    assert reports.CHART_FONT_FILES == (str(shipped),)
    assert reports.chart_font(reports.CHART_FONT_FILES) == ("WenQuanYi Zen Hei", 500)


def test_a_character_the_font_lacks_prints_as_a_visible_mark(font_characters):
    from jobmatch.printing import MISSING_CHARACTER, printable

    rare = "\U0002c317"  # a CJK Extension B character, outside the shipped subset
    assert ord(rare) not in font_characters and ord(MISSING_CHARACTER) in font_characters
    assert printable(f"王{rare}兰") == f"王{MISSING_CHARACTER}兰"  # the name keeps its length, visibly
    assert printable("王阿姨🌸") == "王阿姨"  # emoji and decorations are still left out, not marked


def test_the_subset_covers_gb2312_and_rarer_name_characters(font_characters):
    gb2312 = set()
    for lead in range(0xB0, 0xF8):  # GB2312's Hanzi rows
        for trail in range(0xA1, 0xFF):
            try:
                gb2312.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert len(gb2312) == 6763
    assert not [ch for ch in gb2312 if ord(ch) not in font_characters]
    for ch in "·：（）、—“”《》【】…　０１２Ａａ￥℃①堃喆昇犇琇珺玥赟彧祎翀垚":
        assert ord(ch) in font_characters, ch


def test_the_font_ships_with_its_licence_and_stays_small():
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / CJK_FONT)
    assert font["name"].getDebugName(5) == "Version 0.9.45" and "glyf" in font and "CFF " not in font
    assert (FONTS / CJK_FONT).stat().st_size < 5_000_000
    licence = (FONTS / "LICENSE").read_text(encoding="utf-8")
    assert "WenQuanYi Zen Hei, version 0.9.45" in licence and "Font embedding exception" in licence
    assert "scripts/subset_font.py" in licence and (ROOT / "scripts" / "subset_font.py").is_file()
    assert "GNU GENERAL PUBLIC LICENSE" in (FONTS / "GPL-2").read_text(encoding="utf-8")
