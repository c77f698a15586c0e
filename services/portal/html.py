"""The report as one self-contained HTML file for the agency's website.

Everything is in the one file: no stylesheet, script, image or web font is fetched, so the page opens offline
and passes a portal's upload checks. Website CMS editors drop <style> blocks and class attributes when a clerk
pastes a report in, so everything that makes the page read right — table borders, merged cells, centred
numbers, paragraph indents — is also an attribute or an inline style on the element itself.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from services.files import write_atomically
from services.grid_layout import GridCell
from services.pdf.page import LINE_PITCH, TYPE_HEIGHT, TYPE_WIDTH
from services.pdf.table_setting import estimated_setting
from services.portal import Heading, Paragraph, Signature, TableBlock, Title, outline
from services.report import Report

BODY_FONTS = "'仿宋_GB2312', FangSong_GB2312, FangSong, '仿宋', STFangsong, serif"
TITLE_FONTS = "'方正小标宋简体', FZXiaoBiaoSong-B05S, SimHei, '黑体', STHeiti, serif"
HEADING1_FONTS = "SimHei, '黑体', STHeiti, sans-serif"
HEADING2_FONTS = "'楷体_GB2312', KaiTi_GB2312, KaiTi, '楷体', STKaiti, serif"
BORDER = "border:1px solid #000"

_STYLE = f"""
body {{ margin: 0; background: #fff; color: #000; }}
.nianbao-report {{ max-width: 156mm; margin: 0 auto; padding: 2em 1em; font-family: {BODY_FONTS};
  font-size: 16pt; line-height: 1.8; }}
.nianbao-report p {{ margin: 0; }}
.nianbao-report table {{ margin: 0.5em auto 1em; }}
@media print {{ .nianbao-report {{ padding: 0; }} }}
"""

_P = f"margin:0;text-indent:2em;text-align:justify;font-size:16pt;font-family:{BODY_FONTS}"
_H1 = f"margin:0;text-indent:2em;font-size:16pt;font-weight:normal;font-family:{HEADING1_FONTS}"
_H2 = f"margin:0;text-indent:2em;font-size:16pt;font-weight:normal;font-family:{HEADING2_FONTS}"
_TITLE = (
    f"margin:0 0 1em;text-align:center;font-size:22pt;font-weight:normal;line-height:1.6;"
    f"text-wrap:balance;font-family:{TITLE_FONTS}"
)


def _cell(cell: GridCell, text: str) -> str:
    header = cell.role in ("caption", "corner", "header")
    # row labels read left-aligned, like on paper; a label standing over several rows and all numbers centred
    align = "left" if cell.role == "label" and cell.rowspan == 1 else "center"
    spans = "".join(f' {name}="{n}"' for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1)
    style = f"{BORDER};padding:2px 4px;text-align:{align};vertical-align:middle;font-weight:normal"
    if cell.key is not None:
        style += ";white-space:nowrap"
    tag = "th" if header else "td"
    scope = ""
    if cell.role == "header":
        scope = ' scope="colgroup"' if cell.colspan > 1 else ' scope="col"'
    return f'<{tag}{spans}{scope} align="{align}" valign="middle" style="{style}">{escape(text)}</{tag}>'


def _table(block: TableBlock) -> str:
    layout = block.layout
    setting = estimated_setting(layout, block.texts, block.kind, TYPE_WIDTH, TYPE_HEIGHT - LINE_PITCH)
    size, widths = setting.size, setting.widths
    total = sum(widths)
    cols = "".join(f'<col style="width:{w / total * 100:.1f}%">' for w in widths)
    rows: list[str] = []
    for r in range(layout.rows):
        cells = [layout.at(r, c) for c in range(layout.cols)]
        rows.append(
            "<tr>"
            + "".join(_cell(cell, block.texts[(cell.row, cell.col)]) for cell in cells if cell is not None)
            + "</tr>"
        )
    head = rows[: layout.header_rows]
    body = rows[layout.header_rows :]
    style = (
        f"{BORDER};border-collapse:collapse;width:100%;font-size:{size:g}pt;line-height:1.4;font-family:{BODY_FONTS}"
    )
    parts = [
        f'<table border="1" cellspacing="0" cellpadding="4" width="100%" style="{style}">',
        f"<colgroup>{cols}</colgroup>",
    ]
    if head:
        parts.append("<thead>\n" + "\n".join(head) + "\n</thead>")
    parts.append("<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>")
    return "\n".join(parts)


def _signature(block: Signature) -> str:
    # the agency's name centred over the date, the date four characters in from the right (GB/T 9704)
    return (
        f'<div style="margin-top:3em;text-align:right;padding-right:4em">'
        f'<div style="display:inline-block;text-align:center">'
        f'<p style="margin:0">{escape(block.agency)}</p>'
        f'<p style="margin:0">{escape(block.date)}</p></div></div>'
    )


def report_html(report: Report) -> str:
    """The report as one self-contained HTML page: inline <style> only, every text escaped."""
    title = report.display_title()
    parts: list[str] = []
    for block in outline(report):
        if isinstance(block, Title):
            parts.append(f'<h1 style="{_TITLE}">{escape(block.text)}</h1>')
        elif isinstance(block, Heading):
            tag, style = ("h2", _H1) if block.level == 1 else ("h3", _H2)
            parts.append(f'<{tag} style="{style}">{escape(block.text)}</{tag}>')
        elif isinstance(block, Paragraph):
            parts.append(f'<p style="{_P}">{escape(block.text)}</p>')
        elif isinstance(block, TableBlock):
            parts.append(_table(block))
        else:
            parts.append(_signature(block))
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="author" content="{escape(report.signed_by or report.agency)}">\n'
        f"<style>{_STYLE}</style>\n</head>\n<body>\n"
        f'<article class="nianbao-report">\n{body}\n</article>\n</body>\n</html>\n'
    )


def write_report_html(report: Report, path: Path) -> None:
    """Write report_html to `path` as UTF-8, atomically."""
    write_atomically(Path(path), report_html(report).encode("utf-8"), failure="无法写入网页文件")
