"""Reading a format file (resources/formats/*.json) into the typed objects of services.formats.

Refuses a malformed file with a message naming the file and the JSON path of the problem.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from services.errors import FormatFileError
from services.format_model import (
    CELL_KINDS,
    SCHEMA_VERSION,
    SECTION_SPLITS,
    Block,
    CarryOver,
    CellKey,
    CellKind,
    CellSpec,
    Column,
    CrossYear,
    DraftClause,
    DraftFigure,
    DraftParagraph,
    HeaderNode,
    IdentityRule,
    InForce,
    ReportFormat,
    Row,
    RowGroup,
    Section,
    Swing,
    Table,
    TextNumberRule,
    TextSpec,
)


class _Reader:
    """Typed access to the parsed JSON that reports problems with the file name and JSON path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> FormatFileError:
        return FormatFileError(f"格式文件 {self.source} 有误：{path}：{problem}")

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "应为对象（{…}）")
        return value

    def array(self, value: Any, path: str, *, nonempty: bool = True) -> list[Any]:
        if not isinstance(value, list) or (nonempty and not value):
            raise self.fail(path, "应为非空数组" if nonempty else "应为数组")
        return value

    def opt_str(self, obj: dict[str, Any], key: str, path: str, *, optional: bool = False) -> str | None:
        value = obj.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value:
            raise self.fail(f"{path}.{key}", "缺少或不是非空字符串")
        return value

    def req_str(self, obj: dict[str, Any], key: str, path: str) -> str:
        return cast(str, self.opt_str(obj, key, path))

    def integer(self, obj: dict[str, Any], key: str, path: str, default: int | None = None) -> int:
        value = obj.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{path}.{key}", "缺少或不是非负整数")
        return value

    def flag(self, obj: dict[str, Any], key: str, path: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{path}.{key}", "应为 true 或 false")
        return value

    def kind(self, obj: dict[str, Any], path: str, default: CellKind) -> CellKind:
        value = obj.get("kind", default)
        if value not in CELL_KINDS:
            raise self.fail(f"{path}.kind", f"未知的单元格类型 {value!r}（应为 count、signed 或 amount）")
        return cast(CellKind, value)

    def key(self, obj: dict[str, Any], path: str) -> str:
        key = self.req_str(obj, "key", path)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise self.fail(f"{path}.key", f"键 {key!r} 只能由小写字母、数字和下划线组成")
        return key


def _header_tree(r: _Reader, items: list[Any], path: str) -> tuple[HeaderNode, ...]:
    nodes = []
    for i, raw in enumerate(items):
        p = f"{path}[{i}]"
        item = r.obj(raw, p)
        label = r.req_str(item, "label", p)
        if "children" in item:
            if "key" in item:
                raise r.fail(p, "分组节点不能同时有 key 和 children")
            children = _header_tree(r, r.array(item["children"], f"{p}.children"), f"{p}.children")
            nodes.append(HeaderNode(label, None, children))
        else:
            nodes.append(HeaderNode(label, r.key(item, p), computed=r.flag(item, "computed", p)))
    return tuple(nodes)


def _rows_from_tree(r: _Reader, items: list[Any], path: str, parents: tuple[str, ...]) -> list[Row]:
    rows: list[Row] = []
    for i, raw in enumerate(items):
        p = f"{path}[{i}]"
        item = r.obj(raw, p)
        label = r.req_str(item, "label", p)
        if "children" in item:
            rows += _rows_from_tree(r, r.array(item["children"], f"{p}.children"), f"{p}.children", (*parents, label))
        else:
            short = r.opt_str(item, "short", p, optional=True) or label
            rows.append(Row(r.key(item, p), label, short, r.flag(item, "computed", p), parents))
    return rows


def _columns(r: _Reader, items: list[Any], path: str, default: CellKind) -> tuple[Column, ...]:
    cols = []
    for i, raw in enumerate(items):
        p = f"{path}[{i}]"
        item = r.obj(raw, p)
        cols.append(
            Column(
                key=r.key(item, p),
                label=r.req_str(item, "label", p),
                kind=r.kind(item, p, default),
                computed=r.flag(item, "computed", p),
                span=r.integer(item, "span", p, default=1),
                unit_in_cell=r.opt_str(item, "unit_in_cell", p, optional=True),
            )
        )
    return tuple(cols)


def _table(r: _Reader, raw: Any, path: str) -> Table:
    item = r.obj(raw, path)
    key = r.key(item, path)
    name = r.req_str(item, "name", path)
    layout = item.get("layout")
    default_kind = r.kind(item, path, "count")
    if layout == "blocks":
        blocks = []
        grid = r.integer(item, "grid_columns", path)
        for i, braw in enumerate(r.array(item.get("blocks"), f"{path}.blocks")):
            bp = f"{path}.blocks[{i}]"
            b = r.obj(braw, bp)
            cols = _columns(r, r.array(b.get("columns"), f"{bp}.columns"), f"{bp}.columns", default_kind)
            label_span = r.integer(b, "label_span", bp, default=1)
            if label_span + sum(c.span for c in cols) != grid:
                raise r.fail(bp, f"标签列与各列所占格数之和应等于 grid_columns（{grid}）")
            rows = _rows_from_tree(r, r.array(b.get("rows"), f"{bp}.rows"), f"{bp}.rows", ())
            blocks.append(
                Block(
                    r.opt_str(b, "caption", bp, optional=True),
                    r.opt_str(b, "corner", bp, optional=True),
                    label_span,
                    cols,
                    tuple(rows),
                )
            )
        table = _with_cells(r, path, Table(key, name, "blocks", tuple(blocks), grid_columns=grid))
    elif layout in ("grid", "wide"):
        col_items = r.array(item.get("columns"), f"{path}.columns")
        col_tree = _header_tree(r, col_items, f"{path}.columns")
        leaves = [leaf for node in col_tree for leaf in node.leaves()]
        kinds = {leaf.key: default_kind for leaf in leaves}
        cols = tuple(Column(cast(str, leaf.key), leaf.label, kinds[leaf.key], leaf.computed) for leaf in leaves)
        row_items = r.array(item.get("rows"), f"{path}.rows")
        row_tree = _header_tree(r, row_items, f"{path}.rows")
        grid_rows = tuple(_rows_from_tree(r, row_items, f"{path}.rows", ()))
        groups = []
        for i, graw in enumerate(item.get("row_groups") or []):
            gp = f"{path}.row_groups[{i}]"
            g = r.obj(graw, gp)
            grows = tuple(r.array(g.get("rows"), f"{gp}.rows"))
            if not all(isinstance(x, str) and x in {row.key for row in grid_rows} for x in grows):
                raise r.fail(f"{gp}.rows", "引用了表中不存在的行")
            groups.append(RowGroup(r.req_str(g, "label", gp), cast(tuple[str, ...], grows)))
        corner = r.opt_str(item, "corner", path, optional=True)
        table = _with_cells(
            r,
            path,
            Table(
                key,
                name,
                cast(Literal["grid", "wide"], layout),
                (Block(None, corner, 1, cols, grid_rows),),
                column_tree=col_tree,
                row_tree=row_tree,
                corner=corner,
                label_columns=r.integer(item, "label_columns", path, default=1),
                row_groups=tuple(groups),
            ),
        )
    else:
        raise r.fail(f"{path}.layout", f"未知的版式 {layout!r}（应为 blocks、grid 或 wide）")

    return table


def _with_cells(r: _Reader, path: str, table: Table) -> Table:
    """The table with its cell list: every row of a block crossed with that block's columns."""
    cells: list[CellSpec] = []
    by_key: dict[tuple[str, str], CellSpec] = {}
    seen_rows: set[str] = set()
    for block in table.blocks:
        if len({c.key for c in block.columns}) != len(block.columns):
            raise r.fail(path, "同一块内列键重复")
        for row in block.rows:
            if row.key in seen_rows:
                raise r.fail(path, f"行键 {row.key!r} 重复")
            seen_rows.add(row.key)
            for col in block.columns:
                spec = CellSpec(table.key, row.key, col.key, col.kind, row.computed or col.computed)
                cells.append(spec)
                by_key[(row.key, col.key)] = spec
    return replace(table, cells=tuple(cells), _by_key=MappingProxyType(by_key))


def _rule(r: _Reader, raw: Any, path: str, tables: Mapping[str, Table]) -> IdentityRule:
    item = r.obj(raw, path)
    rid = r.req_str(item, "id", path)
    tkey = r.req_str(item, "table", path)
    if tkey not in tables:
        raise r.fail(f"{path}.table", f"表 {tkey!r} 不存在")
    table = tables[tkey]
    per = item.get("per")
    if per not in ("column", "row"):
        raise r.fail(f"{path}.per", "应为 column 或 row")
    valid = {row.key for row in table.rows()} if per == "column" else set(table.column_keys())
    sides = []
    for side in ("left", "right"):
        keys = r.array(item.get(side), f"{path}.{side}")
        for j, k in enumerate(keys):
            if k not in valid:
                raise r.fail(f"{path}.{side}[{j}]", f"表 {tkey} 中没有{'行' if per == 'column' else '列'} {k!r}")
        sides.append(tuple(keys))
    computes = r.flag(item, "computes", path)
    if computes and len(sides[0]) != 1:
        raise r.fail(f"{path}.left", "computes 规则的左边只能有一个合计项")
    return IdentityRule(rid, tkey, cast(Literal["column", "row"], per), sides[0], sides[1], computes)


def _cell_keys(r: _Reader, raw: Any, path: str, fmt_tables: Mapping[str, Table]) -> tuple[CellKey, ...]:
    keys = []
    for i, c in enumerate(r.array(raw, path)):
        if not (isinstance(c, list) and len(c) == 3 and all(isinstance(x, str) for x in c)):
            raise r.fail(f"{path}[{i}]", "单元格应写作 [表, 行, 列]")
        t = fmt_tables.get(c[0])
        if t is None or t.cell(c[1], c[2]) is None:
            raise r.fail(f"{path}[{i}]", f"单元格 {c} 不存在")
        keys.append((c[0], c[1], c[2]))
    return tuple(keys)


def _cross_year(r: _Reader, raw: Any, path: str, tables: Mapping[str, Table]) -> CrossYear:
    item = r.obj(raw or {}, path)
    carry = in_force = swing = None
    if "carry_over" in item:
        c = r.obj(item["carry_over"], f"{path}.carry_over")
        where = f"{path}.carry_over"
        carry = CarryOver(r.req_str(c, "table", where), r.req_str(c, "from_row", where), r.req_str(c, "to_row", where))
        t = tables.get(carry.table)
        if t is None or not {carry.from_row, carry.to_row} <= {row.key for row in t.rows()}:
            raise r.fail(f"{path}.carry_over", "引用了不存在的表或行")
    if "in_force" in item:
        f = r.obj(item["in_force"], f"{path}.in_force")
        where = f"{path}.in_force"
        in_force = InForce(
            r.req_str(f, "table", where),
            tuple(r.array(f.get("rows"), f"{where}.rows")),
            r.req_str(f, "stock", where),
            r.req_str(f, "added", where),
            r.req_str(f, "removed", where),
        )
        t = tables.get(in_force.table)
        if t is None or any(
            t.cell(row, col) is None
            for row in in_force.rows
            for col in (in_force.stock, in_force.added, in_force.removed)
        ):
            raise r.fail(f"{path}.in_force", "引用了不存在的单元格")
    if "swing" in item:
        s = r.obj(item["swing"], f"{path}.swing")
        ratios = (s.get("max_ratio"), s.get("min_ratio"))
        if not all(isinstance(x, int | float) and x > 0 for x in ratios):
            raise r.fail(f"{path}.swing", "max_ratio 与 min_ratio 应为正数")
        swing = Swing(
            _cell_keys(r, s.get("cells"), f"{path}.swing.cells", tables),
            float(cast(float, ratios[0])),
            float(cast(float, ratios[1])),
            r.integer(s, "min_value", f"{path}.swing"),
        )
    similarity = None
    formulaic: list[re.Pattern[str]] = []
    min_chars = 30
    if "repeat_text" in item:
        rt = r.obj(item["repeat_text"], f"{path}.repeat_text")
        value = rt.get("max_similarity")
        if not isinstance(value, int | float) or not 0 < value <= 1:
            raise r.fail(f"{path}.repeat_text.max_similarity", "应为 0 到 1 之间的数")
        similarity = float(value)
        for j, raw in enumerate(r.array(rt.get("formulaic", []), f"{path}.repeat_text.formulaic", nonempty=False)):
            where = f"{path}.repeat_text.formulaic[{j}]"
            if not isinstance(raw, str) or not raw:
                raise r.fail(where, "应为非空的正则表达式")
            try:
                formulaic.append(re.compile(raw))
            except re.error as exc:
                raise r.fail(where, f"正则表达式无效：{exc}") from None
        if "min_chars" in rt:
            min_chars = r.integer(rt, "min_chars", f"{path}.repeat_text")
    return CrossYear(carry, in_force, swing, similarity, tuple(formulaic), min_chars)


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FEE_FIGURES = ("notices", "amount_yuan")


def _figure(r: _Reader, source: str, path: str, tables: Mapping[str, Table], fees: bool) -> DraftFigure:
    """`t3.granted.total`, a sum `t3.new.business+t3.new.research`, `*` within a row or column key
    (`t3.deny_*.total`), or a 信息处理费 field (`fees.notices`, `fees.amount_yuan`)."""
    terms = [t.strip() for t in source.split("+")]
    if len(terms) == 1 and terms[0].startswith("fees."):
        name = terms[0].removeprefix("fees.")
        if name not in FEE_FIGURES or not fees:
            has = "有 fees.notices、fees.amount_yuan" if fees else "没有信息处理费字段"
            raise r.fail(path, f"{{{source}}}：没有这个信息处理费字段（本格式{has}）")
        return DraftFigure(source, fee=cast(Literal["notices", "amount_yuan"], name))
    cells: list[CellKey] = []
    for term in terms:
        parts = term.split(".")
        table = tables.get(parts[0]) if len(parts) == 3 else None
        if table is None:
            raise r.fail(path, f"{{{source}}}：“{term}”应写作 表.行.列，且表须存在")
        found = [
            spec.key
            for spec in table.cells
            if fnmatch.fnmatchcase(spec.row, parts[1]) and fnmatch.fnmatchcase(spec.col, parts[2])
        ]
        if not found:
            raise r.fail(path, f"{{{source}}}：表 {parts[0]} 中没有单元格 {term}")
        cells += [key for key in found if key not in cells]
    return DraftFigure(source, tuple(cells))


def _clause_parts(
    r: _Reader, text: str, path: str, tables: Mapping[str, Table], fees: bool
) -> tuple[str | DraftFigure, ...]:
    parts: list[str | DraftFigure] = []
    at = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > at:
            parts.append(text[at : match.start()])
        parts.append(_figure(r, match.group(1), path, tables, fees))
        at = match.end()
    rest = text[at:]
    if "{" in "".join(p for p in parts if isinstance(p, str)) + rest or "}" in rest:
        raise r.fail(path, "花括号不成对：数字写作 {表.行.列}")
    if rest:
        parts.append(rest)
    return tuple(parts)


def _draft(r: _Reader, raw: Any, path: str, tables: Mapping[str, Table], fees: bool) -> tuple[DraftParagraph, ...]:
    """A text's `draft`: paragraphs, each an array of clauses; a clause is a string, or {"text", "zero"} said
    instead ("" to leave it out) when every figure in it is 0."""
    paragraphs = []
    for i, praw in enumerate(r.array(raw, path)):
        pp = f"{path}[{i}]"
        clauses = []
        for j, craw in enumerate(r.array(praw, pp)):
            cp = f"{pp}[{j}]"
            zero = None
            if isinstance(craw, str) and craw:
                text = craw
            else:
                c = r.obj(craw, cp)
                if set(c) - {"text", "zero"}:
                    raise r.fail(cp, f"未知的字段 {sorted(set(c) - {'text', 'zero'})}（只有 text、zero）")
                text = r.req_str(c, "text", cp)
                zero = c.get("zero")
                if not isinstance(zero, str):
                    raise r.fail(f"{cp}.zero", "应为字符串（空字符串表示全为 0 时不写这一句）")
                if "{" in zero or "}" in zero:
                    raise r.fail(f"{cp}.zero", "全为 0 时的说法不能含数字占位符")
            parts = _clause_parts(r, text, cp if zero is None else f"{cp}.text", tables, fees)
            if zero is not None and not any(isinstance(p, DraftFigure) for p in parts):
                raise r.fail(cp, "有 zero 的句子应含数字占位符")
            clauses.append(DraftClause(parts, zero))
        paragraphs.append(DraftParagraph(tuple(clauses)))
    return tuple(paragraphs)


def parse_format(data: Any, source: str = "<内存>") -> ReportFormat:
    """Build a format from parsed JSON; raises FormatFileError naming the problem."""
    r = _Reader(source)
    root = r.obj(data, "$")
    if root.get("schema") != SCHEMA_VERSION:
        raise r.fail("$.schema", f"格式文件结构版本应为 {SCHEMA_VERSION}，实际为 {root.get('schema')!r}")
    fid = r.req_str(root, "id", "$")
    years = r.obj(root.get("years"), "$.years")
    year_from = r.integer(years, "from", "$.years")
    year_to = years.get("to")
    if year_to is not None and (not isinstance(year_to, int) or year_to < year_from):
        raise r.fail("$.years.to", "应为空或不早于 from 的年份")

    tables: dict[str, Table] = {}
    for i, traw in enumerate(r.array(root.get("tables"), "$.tables")):
        table = _table(r, traw, f"$.tables[{i}]")
        if table.key in tables:
            raise r.fail(f"$.tables[{i}].key", f"表键 {table.key!r} 重复")
        tables[table.key] = table

    has_fees = any(isinstance(s, dict) and s.get("fees") is True for s in root.get("sections") or [])

    def text_spec(raw: Any, p: str) -> TextSpec:
        t = r.obj(raw, p)
        draft = _draft(r, t["draft"], f"{p}.draft", tables, has_fees) if "draft" in t else ()
        return TextSpec(
            r.key(t, p),
            r.opt_str(t, "heading", p, optional=True),
            r.req_str(t, "label", p),
            r.flag(t, "required", p),
            draft,
        )

    sections = []
    text_keys: set[str] = set()
    preamble = text_spec(root.get("preamble"), "$.preamble")
    text_keys.add(preamble.key)
    for i, sraw in enumerate(r.array(root.get("sections"), "$.sections")):
        sp = f"$.sections[{i}]"
        s = r.obj(sraw, sp)
        texts = tuple(
            text_spec(t, f"{sp}.texts[{j}]")
            for j, t in enumerate(r.array(s.get("texts", []), f"{sp}.texts", nonempty=False))
        )
        for spec in texts:
            if spec.key in text_keys:
                raise r.fail(sp, f"文字键 {spec.key!r} 重复")
            text_keys.add(spec.key)
        tkey = r.opt_str(s, "table", sp, optional=True)
        if tkey is not None and tkey not in tables:
            raise r.fail(f"{sp}.table", f"表 {tkey!r} 不存在")
        min_chars = s.get("min_chars")
        if min_chars is not None and (not isinstance(min_chars, int) or isinstance(min_chars, bool) or min_chars < 1):
            raise r.fail(f"{sp}.min_chars", "应为正整数")
        split = s.get("split")
        if split is not None and split not in SECTION_SPLITS:
            raise r.fail(f"{sp}.split", f"应为 {' 或 '.join(SECTION_SPLITS)}")
        if split == "problems_improvements" and len(texts) != 2:
            raise r.fail(f"{sp}.split", "problems_improvements 要求该部分恰有两段文字（问题、改进）")
        if (split == "subheadings" or r.flag(s, "each_text_required", sp) or r.flag(s, "required", sp)) and not texts:
            raise r.fail(sp, "该部分没有文字")
        sections.append(
            Section(
                r.key(s, sp),
                r.req_str(s, "title", sp),
                texts,
                tkey,
                r.flag(s, "fees", sp),
                r.flag(s, "each_text_required", sp),
                min_chars,
                split,
                r.flag(s, "required", sp),
                r.opt_str(s, "short", sp, optional=True),
            )
        )

    rules = tuple(_rule(r, x, f"$.rules[{i}]", tables) for i, x in enumerate(r.array(root.get("rules"), "$.rules")))

    text_numbers = []
    for i, traw in enumerate(root.get("text_numbers") or []):
        tp = f"$.text_numbers[{i}]"
        tn = r.obj(traw, tp)
        try:
            pattern = re.compile(r.req_str(tn, "pattern", tp))
        except re.error as exc:
            raise r.fail(f"{tp}.pattern", f"正则表达式无效：{exc}") from None
        if pattern.groups != 1:
            raise r.fail(f"{tp}.pattern", "正则表达式应恰有一个捕获组（数字）")
        also = tuple(
            _cell_keys(r, cells, f"{tp}.also[{j}]", tables)
            for j, cells in enumerate(r.array(tn.get("also", []), f"{tp}.also", nonempty=False))
        )
        text_numbers.append(
            TextNumberRule(
                r.req_str(tn, "topic", tp), pattern, _cell_keys(r, tn.get("cells"), f"{tp}.cells", tables), also
            )
        )

    fees = r.obj(root.get("fees") or {}, "$.fees")
    raw_keywords = fees.get("keywords") or []
    if not isinstance(raw_keywords, list):  # a bare string would otherwise become its single characters
        raise r.fail("$.fees.keywords", "应为非空字符串数组")
    keywords = tuple(raw_keywords)
    if not all(isinstance(k, str) and k for k in keywords):
        raise r.fail("$.fees.keywords", "应为非空字符串数组")

    return ReportFormat(
        id=fid,
        name=r.req_str(root, "name", "$"),
        document=r.req_str(root, "document", "$"),
        year_from=year_from,
        year_to=year_to,
        title_template=r.req_str(root, "title_template", "$"),
        preamble=preamble,
        sections=tuple(sections),
        tables=tuple(tables.values()),
        rules=rules,
        cross_year=_cross_year(r, root.get("cross_year"), "$.cross_year", tables),
        text_numbers=tuple(text_numbers),
        fees_required=r.flag(fees, "required", "$.fees"),
        fee_keywords=keywords,
        legal_basis=r.opt_str(root, "legal_basis", "$", optional=True),
    )


def load_format(path: Path) -> ReportFormat:
    """Read one format file; raises FormatFileError for unreadable or malformed files."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatFileError(f"无法读取格式文件 {path}：{exc}") from None
    except json.JSONDecodeError as exc:
        where = f"第 {exc.lineno} 行第 {exc.colno} 列"
        raise FormatFileError(f"格式文件 {path} 不是有效的 JSON：{where}：{exc.msg}") from None
    fmt = parse_format(data, str(path.name))
    if fmt.id != path.stem:
        raise FormatFileError(f"格式文件 {path.name} 的 id 为 {fmt.id!r}，应与文件名一致")
    return fmt
