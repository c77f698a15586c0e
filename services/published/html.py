"""A report saved as a web page → the same paragraphs and tables as the plain-text reader gives.

Only the standard library's html.parser: the page is never fetched and nothing it links to is loaded. Layout
tables (a page inside a table, common on government sites) are read as text; only innermost tables are data
tables, with rowspan/colspan expanded so every physical row has its cells in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from services.published.matching import Grid, Item
from services.published.text import check_text

_VOID = {"br", "img", "hr", "meta", "input", "link", "area", "base", "col", "embed", "source", "wbr", "param"}
_SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "select", "button", "head", "textarea"}
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "dl",
    "br",
    "hr",
    "header",
    "footer",
    "main",
    "caption",
    "form",
    "tbody",
    "thead",
    "tfoot",
    "body",
    "html",
}
_CLOSES = {
    "p": {"p"},
    "li": {"li"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
}
_MAX_SPAN = 50
_MAX_CELL = 300
_MAX_WIDTH = 64
"""Grid columns a table may have: a report's widest table has 18; cells placed beyond are not a report's."""
_MAX_POSITIONS = 100_000
"""Grid positions a table may fill (a report's largest table fills about 600): spans cannot make work and memory
grow beyond the page's own size."""
"""A longer cell is prose: its table only lays out the page."""


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    def has_table(self) -> bool:
        return any(isinstance(c, _Node) and (c.tag == "table" or c.has_table()) for c in self.children)


MAX_DEPTH = 200


class _TreeBuilder(HTMLParser):
    """A forgiving tree: unclosed <p>, <td>, <tr>, <li> close at the next sibling; stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
            return
        closes = _CLOSES.get(tag, set())
        if closes:
            for i in range(len(self.stack) - 1, 0, -1):
                open_tag = self.stack[i].tag
                if open_tag == "table":
                    break
                if open_tag in closes:
                    del self.stack[i:]
                    break
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        # Deeper than any real page: further elements stay at this depth, so reading the tree (recursive)
        # cannot exhaust the stack on a hostile or broken file.
        if tag not in _VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
            if self.stack[i].tag == "table" and tag != "table":
                return  # an end tag that belongs outside this table

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        else:
            self.stack[-1].children.append(data)


def _clean(text: str) -> str:
    text = re.sub(r"[ \t\r\n\f\xa0]+", " ", text).strip(" \u3000")
    # Line breaks in the source between two Chinese characters are not spaces on the page.
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)


def _text(node: _Node) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag not in _SKIP:
            parts.append(" " if child.tag in _BLOCK else "")
            parts.append(_text(child))
    return "".join(parts)


def _span(value: str | None) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    return max(1, min(int(match.group(1)), _MAX_SPAN)) if match else 1


def _rows(table: _Node) -> list[_Node]:
    rows: list[_Node] = []
    for child in table.children:
        if isinstance(child, _Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in {"tbody", "thead", "tfoot"}:
                rows.extend(_rows(child))
    return rows


def _grid(table: _Node) -> Grid | None:
    """Cells placed by their spans: the text at the top-left position, '' where a span covers. None for a table
    whose spans would fill more than _MAX_POSITIONS positions: no report's table, and not worth the memory."""
    placed: dict[tuple[int, int], str] = {}
    covered: set[tuple[int, int]] = set()
    rows = _rows(table)
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.children:
            if not isinstance(cell, _Node) or cell.tag not in {"td", "th"}:
                continue
            while (r, c) in placed:
                c += 1
            if c >= _MAX_WIDTH:
                break
            # a rowspan ends with the table (as HTML says), a colspan at the widest grid a report can have
            rowspan = min(_span(cell.attrs.get("rowspan")), len(rows) - r)
            colspan = min(_span(cell.attrs.get("colspan")), _MAX_WIDTH - c)
            if len(placed) + rowspan * colspan > _MAX_POSITIONS:
                return None
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed[(r + dr, c + dc)] = ""
                    covered.add((r + dr, c + dc))
            placed[(r, c)] = _clean(_text(cell))
            covered.discard((r, c))
            c += colspan
    height = len(rows)
    width = max((c for _, c in placed), default=-1) + 1
    # a position no cell stands at (a short row) is covered too: only a real <td></td> is a blank cell
    real = {pos for pos in placed if pos not in covered}
    grid = tuple(tuple(placed.get((r, c), "") for c in range(width)) for r in range(height))
    hidden = frozenset((r, c) for r in range(height) for c in range(width) if (r, c) not in real)
    return Grid(grid, hidden)


def _data_table(table: _Node) -> Grid | None:
    """The table as a grid, or None for a layout table (one holding other tables, a single cell, or prose)."""
    if table.has_table():
        return None
    grid = _grid(table)
    if grid is None:
        return None
    cells = [c for row in grid.rows for c in row if c]
    if len(cells) < 2 or any(len(c) > _MAX_CELL for c in cells):
        return None
    return grid


def html_items(root: _Node) -> list[Item]:
    items: list[Item] = []
    line: list[str] = []

    def flush() -> None:
        text = _clean("".join(line))
        line.clear()
        if text:
            items.append(text)

    def walk(node: _Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                line.append(child)
            elif child.tag in _SKIP:
                continue
            elif child.tag == "table" and (grid := _data_table(child)) is not None:
                flush()
                items.append(grid)
            elif child.tag in _BLOCK:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return items


def read_html(html: str) -> tuple[list[Item], str | None]:
    """The paragraphs and data tables of a saved page, and its <title>; refuses binary or oversized input."""
    check_text(html)
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return html_items(builder.root), _clean(builder.title) or None
