"""Rebuild jobmatch/fonts/WenQuanYiZenHei-subset.ttf, the CJK font every PDF and chart uses (see jobmatch/fonts/).

    python scripts/subset_font.py [--source /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc] [--all-gbk]

The source is WenQuanYi Zen Hei 0.9.45 from Debian's fonts-wqy-zenhei (GPL-2 with a font embedding exception; see
jobmatch/fonts/LICENSE). Only its TrueType outlines are kept (reportlab embeds glyf outlines, not CFF), without
hinting, bitmaps or layout tables, for the characters below:

- ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms;
- every character of GB2312 (its 6,763 Hanzi and its symbols: circled numbers, ℃, ·, ※ ...);
- the Hanzi of GBK outside GB2312 that jieba's dictionary of modern words uses (about 5,400: where residents'
  rarer name characters such as 堃 喆 昇 犇 琇 珺 are); --all-gbk takes all 14,000 (a 7.6 MB font instead of 4.2);
- every character in the package's own text (labels, messages, demo data) and in models/ (taxonomy, gazetteer).

Run it again after adding Chinese text the font might lack; tests/test_pdf_fonts.py checks what the PDFs print.
fontTools comes with matplotlib, a dependency of jobmatch; the script is not needed at run time.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
TARGET = ROOT / "jobmatch" / "fonts" / "WenQuanYiZenHei-subset.ttf"
TEXT_SUFFIXES = {".py", ".html", ".json", ".jsonl", ".txt", ".csv", ".tsv", ".js", ".md"}
# Tables of characters, not text anything prints: syllables.json is a pinyin table of every Hanzi there is.
NOT_PRINTED = {"syllables.json"}
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, °, ¥ ...
    (0x2010, 0x2050),  # general punctuation: — – ‘ ’ “ ” … ‰ ※
    (0x2100, 0x2199),  # letterlike symbols, number forms, arrows: ℃ № Ⅰ → ...
    (0x2460, 0x24FF),  # enclosed numbers: ① ...
    (0x2500, 0x25FF),  # box drawing and shapes: ─ □ ■ ○ ● ...
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、 。 〈 》 【 】 〓 ...
    (0xFF01, 0xFFEF),  # full-width and half-width forms
)


def gb_characters(encoding: str, hanzi_only: bool) -> set[str]:
    """Every character the two-byte codes of `encoding` (gb2312 or gbk) map to."""
    found = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                ch = bytes((lead, trail)).decode(encoding)
            except UnicodeDecodeError:
                continue
            if not hanzi_only or 0x3400 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF:
                found.add(ch)
    return found


def own_text() -> set[str]:
    """The characters of the package's files and of models/ (the demo data, taxonomy and gazetteer among them)."""
    found = set()
    for folder in (ROOT / "jobmatch", ROOT / "models"):
        for path in folder.rglob("*"):
            if path.suffix in TEXT_SUFFIXES and path.is_file() and path.name not in NOT_PRINTED:
                found |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return found


def jieba_characters() -> set[str]:
    """The characters of jieba's dictionary of modern Chinese words (349,046 words, jieba 0.42.1): a reproducible
    measure of "in use", and it holds the name characters GB2312 lacks (堃 喆 昇 犇 琇 珺 玥 赟 彧 祎 翀 垚)."""
    import jieba  # a dependency of jobmatch

    words = Path(jieba.__file__).with_name("dict.txt").read_text(encoding="utf-8")
    return {c for line in words.splitlines() for c in line.split(" ", 1)[0]}


def wanted(all_gbk: bool) -> set[int]:
    chars = {chr(c) for lo, hi in RANGES for c in range(lo, hi + 1)}
    chars |= gb_characters("gb2312", hanzi_only=False) | own_text()
    gbk_hanzi = gb_characters("gbk", hanzi_only=True)
    chars |= gbk_hanzi if all_gbk else gbk_hanzi & jieba_characters()
    return {ord(c) for c in chars if ord(c) >= 0x20}


def subset(source: Path, target: Path, all_gbk: bool) -> None:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(
        str(source), fontNumber=0, lazy=False, recalcTimestamp=False
    )  # face 0 of the collection: WenQuanYi Zen Hei (proportional)
    del font["BDF "]  # bitmaps fontTools cannot subset; outlines only
    available = set(font.getBestCmap())
    codepoints = wanted(all_gbk) & available
    options = ft_subset.Options()
    options.hinting = False  # PDF readers and printers rasterise without TrueType hints
    options.layout_features = []  # reportlab and matplotlib shape nothing: no GSUB/GPOS
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "EBDT", "EBLC", "FFTM", "vhea", "vmtx"]
    options.name_IDs = ["*"]  # keep the copyright, licence and version strings
    options.name_languages = ["*"]
    options.glyph_names = False
    options.notdef_outline = True  # a missing glyph shows as a box rather than nothing
    options.recalc_timestamp = False  # the same input gives the same bytes (with recalcTimestamp=False above)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    digest = hashlib.sha256(target.read_bytes()).hexdigest()[:16]
    version = font["name"].getDebugName(5)
    hanzi = sum(1 for c in codepoints if 0x3400 <= c <= 0x9FFF)
    print(
        f"{target.name}: {version}, {len(codepoints)} characters ({hanzi} Hanzi), "
        f"{target.stat().st_size:,} bytes, sha256 {digest}"
    )
    missing = sorted(chr(c) for c in wanted(all_gbk) - available if 0x3400 <= c <= 0x9FFF)
    if missing:
        print(f"the source font lacks {len(missing)} wanted Hanzi: {''.join(missing[:40])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--target", type=Path, default=TARGET)
    parser.add_argument("--all-gbk", action="store_true", help="every Hanzi of GBK, not only those in use")
    args = parser.parse_args()
    subset(args.source, args.target, args.all_gbk)


if __name__ == "__main__":
    main()
