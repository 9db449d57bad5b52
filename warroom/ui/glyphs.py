"""Symbols no installed font can draw (an emoji in a candidate's, race's or pollster's name on a machine with no
emoji font): written as their names in brackets, never an empty box. The one rule for the charts (end labels,
titles, legend keys) and so their PNG, SVG and PDF exports, and for the briefing PDF."""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QRawFont

_JOINERS = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, text and emoji presentation selectors
_SKIN_TONES = range(0x1F3FB, 0x1F400)  # emoji modifiers: shown on their base, or dropped with it
_GLYPHS: dict[tuple[str, str], bool] = {}
_FALLBACKS = threading.local()  # each thread's own list: a QRawFont is used only in the thread that made it (Qt)


def _fallbacks() -> list[QRawFont]:
    """Every installed font, as raw fonts of this thread (the briefing's text is laid out on an export's worker)."""
    fonts: list[QRawFont] | None = getattr(_FALLBACKS, "fonts", None)
    if fonts is None:
        fonts = _FALLBACKS.fonts = [QRawFont.fromFont(QFont(family)) for family in QFontDatabase.families()]
    return fonts


def has_glyph(ch: str, font: QFont) -> bool:
    """Whether `font` or any installed font (Qt falls back to them) can draw `ch`. Cached per font family; on any
    thread."""
    key = (font.family(), ch)
    if key not in _GLYPHS:
        found = QFontMetricsF(font).inFontUcs4(ord(ch))
        if not found:
            found = any(raw.isValid() and raw.supportsCharacter(ord(ch)) for raw in _fallbacks())
        _GLYPHS[key] = found
    return _GLYPHS[key]


def no_text_font() -> bool:
    """Whether no installed font can draw plain text (a server or container with no font: Qt ships none), so every
    letter and figure would be drawn as an empty box."""
    # (Not has_glyph: with no font at all, fontconfig still lists its aliases, and their QRawFonts claim every
    # character. The application's font resolves to a real font wherever one is installed.)
    metrics = QFontMetricsF(QFont())
    return not QFontDatabase.families() or not (metrics.inFontUcs4(ord("A")) or metrics.inFontUcs4(ord("0")))


NO_FONT_HINT = (
    "no installed font can draw text (Qt ships none), so every letter and figure would be an empty box; install "
    "one (e.g. the fonts-dejavu-core package, or any .ttf in ~/.local/share/fonts)"
)


def drawable_text(text: str, font: QFont) -> str:
    """`text` with every symbol no installed font can draw (an emoji in a candidate's name, on a system with no
    emoji font) replaced by its name in brackets: "Ann 🗳️ Smith" is "Ann [ballot box with ballot] Smith" in the
    briefing PDF, never an empty box. A joined emoji sequence is named as one ("[woman briefcase]"); a skin-tone
    modifier no font has is dropped, its base kept. Text every font can draw comes back as it is."""
    if text.isascii():
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _JOINERS or unicodedata.category(ch) in ("Cc", "Cf", "Mn", "Me", "Zs") or has_glyph(ch, font):
            out.append(ch)
            i += 1
            continue
        if ord(ch) in _SKIN_TONES:
            i += 1  # a modifier on a base that is drawn: the base alone says it
            continue
        names = [_char_name(ch)]
        i += 1
        while i < n and (text[i] in _JOINERS or ord(text[i]) in _SKIN_TONES):
            if text[i] == "\u200d" and i + 1 < n and not text[i + 1].isspace():
                names.append(_char_name(text[i + 1]))  # the next part of one joined emoji
                i += 1
            i += 1
        out.append(f"[{' '.join(names)}]")
    return "".join(out)


def _char_name(ch: str) -> str:
    return unicodedata.name(ch, f"U+{ord(ch):04X}").lower()


def drawable(text: str) -> str:
    """drawable_text in the application's own font (what charts, labels, tables, menus and tooltips draw with
    unless told otherwise): the one rule for every text the window draws from data."""
    return text if text.isascii() else _drawable_in_app_font(text)


@lru_cache(maxsize=4096)
def _drawable_in_app_font(text: str) -> str:
    """(Kept: a table's cells ask again at every repaint, and the installed fonts do not change while it runs.)"""
    return drawable_text(text, QFont())
