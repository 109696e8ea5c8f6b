"""Server-rendered SVG charts: horizontal bars, readable without script,
printable, and the same in every browser. Labels and values are escaped."""

from xml.sax.saxutils import escape

import html

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 220
BAR_WIDTH = 360
VALUE_WIDTH = 60
COLORS = ("#1f6fb2", "#2e9d5b", "#d9822b", "#7a5cc2", "#c0392b", "#7f8c8d")


def bar_chart(title, items, colors=COLORS, chart_id=None):
    """An SVG bar chart of ``items`` (``[(label, number)]``) as text.

    Bars are scaled to the largest value; each row shows its label on the
    left and its value on the right. ``title`` becomes the SVG's title
    (read by screen readers) and is shown above the bars.
    """
    items = [(str(label), max(0, value or 0)) for label, value in items]
    largest = max([value for _label, value in items] + [1])
    height = 28 + len(items) * (BAR_HEIGHT + GAP)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    id_attr = f' id="{html.escape(chart_id, quote=True)}"' if chart_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="phutho-chart"{id_attr} '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title, quote=True)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = 28 + index * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * value / largest)
        color = colors[index % len(colors)]
        parts.append(
            f'<g class="phutho-chart-bar" data-label="{html.escape(label, quote=True)}" '
            f'data-value="{value}">'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" font-size="12" '
            f'text-anchor="end">{escape(label[:40])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{color}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}" font-size="12">'
            f"{value}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
