"""The dashboard's charts: stacked horizontal bars drawn as inline SVG from a table of
status counts (``progress``), one bar per row, every segment linked where the table's
number links. The colours are the .status-* classes of site.css."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..models import Status

register = template.Library()

# Geometry, in SVG user units.
LABEL_WIDTH = 64
BAR_WIDTH = 560
TOTAL_WIDTH = 72
ROW_HEIGHT = 30
BAR_HEIGHT = 22
TOP = 8
LEGEND_ROW = 20
DIGIT_WIDTH = 8
LEGEND_COLUMNS = 3


def geometry(chart, table):
    """Positions of the bars, their segments and the legend for ``table``'s rows."""
    largest = max((row["total"] for row in table), default=0) or 1
    bars = []
    for index, row in enumerate(table):
        y = TOP + index * ROW_HEIGHT
        x = LABEL_WIDTH
        segments = []
        for cell in row["cells"]:
            if not cell["n"]:
                continue
            width = cell["n"] / largest * BAR_WIDTH
            segments.append(
                {
                    **cell,
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "text_x": round(x + width / 2, 2),
                    "show_text": width >= DIGIT_WIDTH * len(str(cell["n"])) + 6,
                }
            )
            x += width
        bars.append(
            {
                "label": row["label"],
                "y": y,
                "text_y": y + BAR_HEIGHT / 2 + 5,
                "segments": segments,
                "total": row["total"],
                "total_href": row["total_href"],
                "total_x": round(x + 6, 2),
            }
        )
    legend_y = TOP + len(table) * ROW_HEIGHT + 8
    width = LABEL_WIDTH + BAR_WIDTH + TOTAL_WIDTH
    column_width = (width - LABEL_WIDTH) // LEGEND_COLUMNS
    legend = []
    for index, status in enumerate(Status):
        row, column = divmod(index, LEGEND_COLUMNS)
        y = legend_y + row * LEGEND_ROW
        x = LABEL_WIDTH + column * column_width
        legend.append(
            {
                "label": status.label,
                "status": status,
                "x": x,
                "y": y,
                "text_x": x + 20,
                "text_y": y + 12,
            }
        )
    legend_rows = -(-len(Status) // LEGEND_COLUMNS)
    return {
        **chart,
        "bars": bars,
        "legend": legend,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "width": width,
        "height": legend_y + legend_rows * LEGEND_ROW + 4,
    }


@register.inclusion_tag("commitments/_bar_chart.svg")
def bar_chart(chart, table):
    """``{% bar_chart chart table %}``: ``chart`` has the id, title and description."""
    return {"chart": geometry(chart, table)}


@register.simple_tag
def change(difference, previous_year):
    """``{% change difference previous_year %}``: a figure's change against the year
    before, as "+12 vs. 2023" under it; nothing in the first year or outside the yearly
    table."""
    if not isinstance(difference, int) or not previous_year:
        return ""
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    text = _("%(change)s vs. %(year)s") % {
        "change": f"{sign}{abs(difference)}",
        "year": previous_year,
    }
    return format_html('<span class="change">{}</span>', text)
