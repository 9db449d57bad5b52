"""Text colour contrast (WCAG 2.x): the ratio of two colours' relative luminances, and a candidate's colour made
readable on a given background. Pure: colours are "#rrggbb" strings (a "#rgb" short form is read too).

WCAG 2.1 success criterion 1.4.3 (contrast, minimum): text needs a ratio of 4.5:1 against its background; the
relative luminance and the ratio are the standard's definitions (sRGB channels linearised, 0.2126 R + 0.7152 G +
0.0722 B; (L1 + 0.05) / (L2 + 0.05))."""

from __future__ import annotations

PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F",
    "#332288", "#AA4499", "#117733", "#882255", "#44AA99", "#999933", "#661100", "#6699CC",
)  # fmt: skip
"""Okabe-Ito's colour-blind-safe eight, then Tol's muted scheme: distinct lines for a long candidate list (a
compilation's contest, and a contest file's candidates written without a colour)."""

TEXT_CONTRAST = 4.5
"""WCAG 2.1 AA's least contrast for text (1.4.3)."""


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of `colour`, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = _rgb(colour)
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21 (the same whichever is given first)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable(colour: str, background: str, ratio: float = TEXT_CONTRAST) -> str:
    """`colour` itself when text in it reads on `background` (contrast >= `ratio`); otherwise the least mix of it
    with white (on a dark background) or black (on a light one) that does: the hue kept as far as it can be."""
    if contrast_ratio(colour, background) >= ratio:
        return _hex(_rgb(colour))
    toward = (255, 255, 255) if relative_luminance(background) < 0.18 else (0, 0, 0)
    base = _rgb(colour)
    for step in range(1, 101):
        t = step / 100
        mixed = _hex(tuple(round(c + (w - c) * t) for c, w in zip(base, toward, strict=True)))
        if contrast_ratio(mixed, background) >= ratio:
            return mixed
    return _hex(toward)


def _hex(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)
