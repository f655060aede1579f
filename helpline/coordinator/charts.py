"""Server-rendered SVG charts: no JavaScript and nothing from a CDN, so the pages
work on a helpline office's machine without internet. Pure functions from plain
numbers to SVG text."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

ANSWERED = "#2e7d32"
UNANSWERED = "#c62828"
AXIS = "#555"


def stacked_bars(
    labels: Sequence[str],
    answered: Sequence[int],
    unanswered: Sequence[int],
    *,
    title: str,
    answered_label: str,
    unanswered_label: str,
    width: int = 760,
    height: int = 240,
) -> Markup:
    """Bars of calls per period, answered at the bottom, the rest on top."""
    left, bottom, top = 40, 40, 24
    plot_h = height - bottom - top
    n = max(1, len(labels))
    slot = (width - left - 10) / n
    bar_w = max(2.0, slot * 0.7)
    peak = max([a + u for a, u in zip(answered, unanswered, strict=True)] + [1])
    scale = plot_h / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" '
        f'stroke="{AXIS}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    step = max(1, round(n / 12))
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        a_h = answered[i] * scale
        u_h = unanswered[i] * scale
        y_a = top + plot_h - a_h
        tip = f"{label}: {answered[i]} {answered_label}, {unanswered[i]} {unanswered_label}"
        parts.append(f"<g><title>{escape(tip)}</title>")
        if a_h:
            parts.append(
                f'<rect x="{x:.1f}" y="{y_a:.1f}" width="{bar_w:.1f}" height="{a_h:.1f}" '
                f'fill="{ANSWERED}"/>'
            )
        if u_h:
            parts.append(
                f'<rect x="{x:.1f}" y="{y_a - u_h:.1f}" width="{bar_w:.1f}" '
                f'height="{u_h:.1f}" fill="{UNANSWERED}"/>'
            )
        parts.append("</g>")
        if i % step == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    legend_y = height - 8
    parts += [
        f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{ANSWERED}"/>',
        f'<text x="{left + 14}" y="{legend_y}" font-size="11">{escape(answered_label)}</text>',
        f'<rect x="{left + 160}" y="{legend_y - 9}" width="10" height="10" '
        f'fill="{UNANSWERED}"/>',
        f'<text x="{left + 174}" y="{legend_y}" font-size="11">'
        f"{escape(unanswered_label)}</text>",
        "</svg>",
    ]
    return Markup("".join(parts))


def week_grid(
    values: Sequence[Sequence[int]],
    day_names: Sequence[str],
    *,
    title: str,
    colour: str = UNANSWERED,
    width: int = 760,
) -> Markup:
    """A 7 x 24 grid (days x hours) shaded by value, the number written in each cell."""
    left, top = 40, 18
    cell_w = (width - left - 4) / 24
    cell_h = 20
    height = top + 7 * cell_h + 4
    peak = max([v for row in values for v in row] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" class="chart" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for hour in range(0, 24, 2):
        parts.append(
            f'<text x="{left + hour * cell_w + cell_w / 2:.1f}" y="{top - 5}" '
            f'text-anchor="middle" font-size="10">{hour:02d}</text>'
        )
    for day, row in enumerate(values):
        y = top + day * cell_h
        parts.append(
            f'<text x="{left - 4}" y="{y + 14}" text-anchor="end" font-size="11">'
            f"{escape(day_names[day])}</text>"
        )
        for hour, value in enumerate(row):
            x = left + hour * cell_w
            opacity = 0.08 + 0.92 * value / peak if value else 0.0
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                f'fill="{colour}" fill-opacity="{opacity:.2f}" stroke="#ddd"/>'
            )
            if value:
                parts.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + 14}" text-anchor="middle" '
                    f'font-size="10">{value}</text>'
                )
    parts.append("</svg>")
    return Markup("".join(parts))
