"""The dashboard's tables and charts, written in one pass in Python from the figures of
``progress``: a table of status counts (``{% status_table %}``) and stacked horizontal
bars drawn as inline SVG (``{% bar_chart %}``), one bar per row, every segment linked
where the table's number links. The colours are the .status-* classes of site.css.

The dashboard shows about a thousand linked numbers; a template node per number cost
several times what the rest of the page does, so each table and chart is one tag."""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


def svg_segment(bar, segment, bar_height):
    """One linked segment; the bar's label and y come escaped and written (``svg_bar``)."""
    number = (
        f'<text x="{segment["text_x"]}" y="{bar["text_y"]}" text-anchor="middle" '
        f'fill="#1a1a1a">{segment["n"]:d}</text>'
        if segment["show_text"]
        else ""
    )
    return (
        f'<a href="{escape(segment["href"])}" class="segment status-{segment["status"].value}">'
        f"<title>{bar['label']}, {escape(segment['label'])}: {segment['n']:d}</title>"
        f'<rect x="{segment["x"]}" y="{bar["y"]}" width="{segment["width"]}" '
        f'height="{bar_height}" class="swatch" stroke="#555" stroke-width="0.5"/>{number}</a>'
    )


def svg_bar(bar, chart, total_label):
    bar = {**bar, "label": escape(bar["label"])}
    segments = "\n".join(svg_segment(bar, s, chart["bar_height"]) for s in bar["segments"])
    return (
        f'<g class="bar">\n<text x="{chart["label_x"]}" y="{bar["text_y"]}" text-anchor="end" '
        f'fill="#1a1a1a">{bar["label"]}</text>\n{segments}\n'
        f'<a href="{escape(bar["total_href"])}" class="total"><title>{bar["label"]}, '
        f"{total_label}: {bar['total']:d}</title>"
        f'<text x="{bar["total_x"]}" y="{bar["text_y"]}" fill="#154273" font-weight="600">'
        f"{bar['total']:d}</text></a>\n</g>"
    )


@register.simple_tag
def bar_chart(chart, table):
    """``{% bar_chart chart table %}``: ``chart`` has the id, title and description. Numbers
    are written as Python writes them (a "." before decimals), whatever the language."""
    chart = geometry(chart, table)
    total_label = escape(_("total"))
    # Every text in a bar is escaped where it is written; numbers are ints, positions floats.
    bars = mark_safe(  # noqa: S308
        "\n".join(svg_bar(bar, chart, total_label) for bar in chart["bars"])
    )
    legend = format_html_join(
        "\n",
        '<rect x="{}" y="{}" width="14" height="14" class="swatch status-{}" stroke="#555" '
        'stroke-width="0.5"/>\n<text x="{}" y="{}" fill="#1a1a1a">{}</text>',
        (
            (item["x"], item["y"], item["status"], item["text_x"], item["text_y"], item["label"])
            for item in chart["legend"]
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        ' font-family="system-ui, sans-serif" font-size="13">\n'
        '<title id="{id}-title">{title}</title>\n<desc id="{id}-desc">{desc}</desc>\n'
        '{bars}\n<g class="legend">\n{legend}\n</g>\n</svg>',
        id=chart["id"],
        width=chart["width"],
        height=chart["height"],
        title=chart["title"],
        desc=chart["desc"],
        bars=bars,
        legend=legend,
    )


def change(difference, previous_year):
    """A figure's change against the year before, as "+12 vs. 2023" under it; nothing in
    the first year or outside the yearly table."""
    if not isinstance(difference, int) or not previous_year:
        return ""
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    text = _("%(change)s vs. %(year)s") % {
        "change": f"{sign}{abs(difference)}",
        "year": previous_year,
    }
    return format_html('<span class="change">{}</span>', text)


def number_cell(label, n, href, difference=None, previous_year=None):
    """A table cell: the number, linked to its rows when it has a link, and its change.
    ``label`` comes escaped; ``n`` is an int."""
    number = f'<a href="{escape(href)}">{n:d}</a>' if href else f"{n:d}"
    return f'<td data-label="{label}">{number}{change(difference, previous_year)}</td>'


# The yearly table's figures after the status columns: (key, header); overdue and no news
# only for commitments.
YEARLY_COLUMNS = (
    ("made", gettext_lazy("Made that year")),
    ("fulfilled", gettext_lazy("Fulfilled that year")),
    ("overdue", gettext_lazy("Overdue at year end")),
    ("no_news", gettext_lazy("No news at year end")),
)


def table_row(row, status_labels, extra):
    previous = row.get("previous_label")
    cells = [
        number_cell(label, cell["n"], cell["href"], cell["change"], previous)
        for cell, label in zip(row["cells"], status_labels, strict=True)
    ]
    cells += [
        number_cell(label, row[key], row[f"{key}_href"], row.get(f"{key}_change"), previous)
        for key, label in extra
    ]
    label = escape(row["label"])
    return f'<tr>\n<th scope="row" class="card-title">{label}</th>\n{"".join(cells)}\n</tr>'


@register.simple_tag
def status_table(rows, caption, first_header, yearly=False, overdue=False):
    """``{% status_table rows caption first_header yearly=True overdue=True %}``: a table
    of status counts, one row per entry of ``rows`` (``progress``), each number linked to
    its rows. ``yearly`` adds the yearly figures and the change against the year before;
    ``overdue`` the overdue and no-news figures."""
    status_labels = [escape(capfirst(str(status.label))) for status in Status]
    extra = [("total", escape(_("Total")))]
    if yearly:
        columns = YEARLY_COLUMNS if overdue else YEARLY_COLUMNS[:2]
        extra += [(key, escape(header)) for key, header in columns]
    headers = format_html_join(
        "\n",
        '<th scope="col"><span class="status status-{}">{}</span></th>',
        ((status, label) for status, label in zip(Status, status_labels, strict=True)),
    )
    extra_headers = format_html_join(
        "\n", '<th scope="col">{}</th>', ((label,) for _key, label in extra)
    )
    if rows:
        # Every text in a row is escaped where it is written; the numbers are ints.
        body = mark_safe("\n".join(table_row(row, status_labels, extra) for row in rows))  # noqa: S308
    else:
        body = format_html(
            '<tr><td colspan="{}">{}</td></tr>', len(Status) + 2, _("Nothing recorded yet.")
        )
    return format_html(
        '<table class="status-counts cards">\n<caption>{}</caption>\n'
        '<thead><tr>\n<th scope="col">{}</th>\n{}\n{}\n</tr></thead>\n'
        "<tbody>\n{}\n</tbody>\n</table>",
        caption,
        first_header,
        headers,
        extra_headers,
        body,
    )
