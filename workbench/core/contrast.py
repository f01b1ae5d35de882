"""Contrast of text on coloured fills (WCAG 2.1 relative luminance and contrast ratio): the views
pick their fills and text colours with these so that every label reads at 4.5:1 or better (AA).

Colours are (red, green, blue) tuples of 0-255 integers; a fill drawn with an alpha is first
composited over what lies under it (`over`), since that is the colour the eye sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

RGB = tuple[int, int, int]
AA = 4.5  # WCAG AA for body text
WHITE: RGB = (255, 255, 255)


def _channel(value: float) -> float:
    c = value / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: RGB) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""
    return _luminance(tuple(colour[:3]))  # type: ignore[arg-type]


@lru_cache(maxsize=65536)  # a view works out the same few colours for every style on every paint
def _luminance(colour: RGB) -> float:
    r, g, b = (_channel(float(v)) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    high, low = max(la, lb), min(la, lb)
    return (high + 0.05) / (low + 0.05)


def over(colour: RGB, alpha: int, under: RGB) -> RGB:
    """`colour` drawn with `alpha` (0-255) over `under`: the colour seen."""
    t = max(0, min(255, alpha)) / 255.0
    return tuple(round(c * t + u * (1 - t)) for c, u in zip(colour[:3], under[:3], strict=True))  # type: ignore[return-value]


def worst_contrast(text: RGB, fills: Iterable[RGB]) -> float:
    """The lowest contrast of `text` on any of `fills`."""
    return min((contrast(text, fill) for fill in fills), default=21.0)


def strongest_alpha(colour: RGB, text: RGB, under: Iterable[RGB], wanted: float = AA, most: int = 255) -> int:
    """The largest alpha (up to `most`) at which `colour` drawn over each of `under` still leaves
    `text` on it at `wanted` contrast or better; 0 if even the bare backgrounds fall short."""
    return _strongest_alpha(tuple(colour[:3]), tuple(text[:3]), tuple(tuple(bg[:3]) for bg in under), wanted, most)


@lru_cache(maxsize=4096)  # up to 256 alphas tried on every background, for each style on each paint
def _strongest_alpha(colour: RGB, text: RGB, backgrounds: tuple[RGB, ...], wanted: float, most: int) -> int:
    best = 0
    for alpha in range(0, most + 1):
        if worst_contrast(text, [over(colour, alpha, bg) for bg in backgrounds]) >= wanted:
            best = alpha
        else:
            break
    return best


def readable_text(fill: RGB, choices: Iterable[RGB] = ((20, 20, 20), WHITE), wanted: float = AA) -> RGB:
    """Of `choices`, the first that reads on `fill` at `wanted` contrast; else the one that reads best."""
    options = list(choices)
    for choice in options:
        if contrast(choice, fill) >= wanted:
            return choice
    return max(options, key=lambda choice: contrast(choice, fill))


def darken_until(colour: RGB, backgrounds: Iterable[RGB], wanted: float = AA) -> RGB:
    """`colour` darkened step by step (its hue kept) until it reads on every one of `backgrounds`."""
    fills = list(backgrounds)
    r, g, b = colour[:3]
    factor = 1.0
    current: RGB = (r, g, b)
    while worst_contrast(current, fills) < wanted and factor > 0:
        factor -= 0.02
        current = (round(r * factor), round(g * factor), round(b * factor))
    return current
