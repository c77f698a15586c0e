"""A published report (paragraphs and tables, from text or HTML) → a draft Report, matched by its labels.

Both readers hand over the same intermediate form: a list of items, each a paragraph (`str`) or a `Grid` (rows of
cell texts, spanned positions left empty). This module finds the title, the section headings and the
signature, splits the narrative, and fills the tables by their row labels and column headers, using only the
format objects, so a future format needs no change here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from services.errors import NianbaoError, ValueParseError
from services.formats import Block, ReportFormat, Section, Table, all_formats
from services.published.digit_runs import RunReader
from services.published.label_tolerance import LabelTolerance, Reading
from services.published.table_labels import NUMERALS as NUMERALS  # re-exported: flat, __init__ take them here
from services.published.table_labels import labels_of, strip_numbering
from services.published.table_labels import normalise as normalise
from services.published.table_labels import printed_labels as printed_labels
from services.report import Fees, Report
from services.values import check_yuan, parse_value

MAX_BYTES = 5 * 1024 * 1024
"""Larger files are refused: a published report is a few hundred kilobytes even with its page around it."""


class PublishedReportError(NianbaoError):
    """A published report (saved page or text) cannot be read at all."""


@dataclass(frozen=True)
class Grid:
    """A table as published: rows of cell texts, with the positions covered by a span left empty."""

    rows: tuple[tuple[str, ...], ...]
    covered: frozenset[tuple[int, int]] = frozenset()
    """(row, column) of the positions a span covers: empty, but not a blank cell of the table. Without it (a
    grid from plain text) no empty position is taken for a blank cell."""


Item = str | Grid


@dataclass(frozen=True)
class PublishedImport:
    report: Report
    filled: tuple[str, ...]
    not_understood: tuple[str, ...]
    to_check: tuple[str, ...] = ()
    """Numbers read but worth a look against the original: split from a run by the identities, or too large."""


# ---------------------------------------------------------------------------------------------------- labels


def similar(a: str, b: str) -> bool:
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return False
    return a in b or b in a or SequenceMatcher(None, a, b).ratio() >= 0.5


_VALUE = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?(?:万元|万|元|件|条|个|项|次)?")
"""A number as cells print it, with its unit (859件, 12.5万元): a unit is never a reason to read it as a label."""
_BLANK_MARKS = {"-", "--", "—", "——", "/", "无", "空", "\\"}


def looks_like_value(text: str) -> bool:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return bool(_VALUE.fullmatch(compact)) or compact in _BLANK_MARKS


# ---------------------------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Token:
    text: str
    row: int | None
    """An empty text: a blank cell of a table, read as null at its place (never a reason to shift)."""
    run: bool = False
    """Digits from a flattened table (no grid): perhaps several cells run together, split by `digit_runs`."""
    cell: bool = False
    """One cell of a table's grid: a large number in it is that cell's own, not several cells run together (the
    clerk is asked to check it, not told why it might be wrong)."""


PLAUSIBLE_COUNT = 99_999
"""More applications, items or cases than this in one cell of one agency's report is not seen in real reports:
such a number read from a flattened page is most likely several cells run together (640020470)."""

Slot = str | tuple[str, str]
"""Where a number goes: a column of the open row, or (row, column) in a table printed as one long row."""

_CELL_NOISE = re.compile("[\u200b\u200c\u200d\ufeff\u00a0]")
"""Zero-width characters and no-break spaces: in a cell they are nothing."""


@dataclass
class Notes:
    filled: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    to_check: list[str] = field(default_factory=list)


def grid_tokens(grid: Grid) -> list[Token]:
    """The cells in reading order; a blank cell of the table (not a span's shadow) as an empty token, so that
    the numbers after it keep their columns."""
    blanks = bool(grid.covered)
    return [
        Token(_CELL_NOISE.sub("", cell).strip(), i, cell=True)
        for i, row in enumerate(grid.rows, 1)
        for j, cell in enumerate(row)
        if _CELL_NOISE.sub("", cell).strip() or (blanks and (i - 1, j) not in grid.covered)
    ]


def classify(tokens: Sequence[Token]) -> str | None:
    """Which table (t2, t3, t4) a set of cells belongs to, by labels that only that table prints."""
    per_table: dict[str, set[str]] = {}
    for fmt in all_formats().values():
        for table in fmt.tables:
            per_table.setdefault(table.key, set()).update(labels_of(table).all())
    scores = Counter[str]()
    for key, labels in per_table.items():
        others = set().union(*(v for k, v in per_table.items() if k != key))
        distinct = labels - others
        scores[key] = sum(1 for t in tokens if normalise(t.text) in distinct)
    best = scores.most_common(2)
    if not best or best[0][1] == 0 or (len(best) > 1 and best[0][1] == best[1][1]):
        return None
    return best[0][0]


def detect_format(tokens: Iterable[Token]) -> ReportFormat | None:
    """The format whose own labels (those no other format prints) occur most among the table cells."""
    formats = list(all_formats().values())
    label_sets = {f.id: set().union(*(labels_of(t).all() for t in f.tables)) for f in formats}
    texts = [normalise(t.text) for t in tokens]
    scores = Counter[str]()
    for fmt in formats:
        others = set().union(*(v for k, v in label_sets.items() if k != fmt.id))
        distinct = label_sets[fmt.id] - others
        scores[fmt.id] = sum(1 for t in texts if t in distinct)
    best = scores.most_common(2)
    if not best or best[0][1] < 2 or (len(best) > 1 and best[0][1] == best[1][1]):
        return None
    return next(f for f in formats if f.id == best[0][0])


class _TableFiller:
    """Walks a table's cells in reading order: a row label opens a row, the numbers after it fill its columns."""

    def __init__(self, report: Report, table: Table, notes: Notes) -> None:
        self.report, self.table, self.notes = report, table, notes
        self.labels = labels_of(table)
        self.filled = 0
        self.row: str | None = None
        self.row_at: int | None = None
        self.slots: list[str] = []
        self.header: list[str] = []
        self.header_open = True
        self.seen_rows: set[str] = set()
        self.wide_slots = [(r, c.key) for g in table.row_groups for r in g.rows for c in table.blocks[0].columns]
        self.pending: list[Token] = []
        """The open row's numbers and blank cells, placed when the row ends."""
        self.wide_pending: list[Token] = []
        self.blanks = 0
        """Blank cells read as null at their place."""
        self.runs = RunReader(notes.to_check, notes.not_understood)
        """Rows of a flattened table, read once the whole table is known (its identities tie the rows)."""
        self.tolerance = LabelTolerance(self.labels.all(), self.labels.printed)
        self.heading: str | None = None
        """The sub-row heading just read (（六）其他处理), while no row is open after it."""

    def where(self, row: int | None) -> str:
        return f"{self.table.name} 第{row}行" if row is not None else self.table.name

    def feed(self, tokens: Iterable[Token]) -> None:
        for token in tokens:
            if not token.text:
                self._blank(token)
            elif token.run or looks_like_value(token.text):
                self._value(token)
            else:
                self._label(token)

    def finish(self) -> None:
        self._tell(self.tolerance.finish())
        self._close_row()
        if self.table.layout == "wide" and any(t.run for t in self.wide_pending):
            keys = [(self.table.key, r, c) for r, c in self.wide_slots]
            self.runs.add(keys, [t.text for t in self.wide_pending], self.table.name)
            self.wide_slots, self.wide_pending = [], []
        self.filled += self.runs.settle(self.report, self.table)
        if self.table.layout == "wide":
            rows_with_values = {t.row for t in self.wide_pending if t.text}
            cells = [t for t in self.wide_pending if t.text or t.row in rows_with_values]
            slots: list[Slot] = list(self.wide_slots)
            self.wide_slots = []
            self._place(cells, slots, self.table.name)
            if self.filled and len([t for t in cells if t.text]) < len(slots):
                self.notes.not_understood.append(
                    f"{self.table.name}：应有 {len(slots)} 个数，只找到 {len([t for t in cells if t.text])} 个"
                )

    def _value(self, token: Token) -> None:
        if self.table.layout == "wide":
            self.wide_pending.append(token)
            return
        if self.row is None and not self._single_other_row(token):
            self._leftover(token)
            return
        self.pending.append(token)

    def _blank(self, token: Token) -> None:
        if self.table.layout == "wide":
            self.wide_pending.append(token)
        elif self.row is not None or self._single_other_row(token):
            self.pending.append(token)

    def _single_other_row(self, token: Token) -> bool:
        """Numbers right after （六）其他处理, before any of its sub-rows: the 2019 format's single row in a 2021
        table, read as its sub-row 3.其他 (with a word to the clerk)."""
        key = self.labels.other_rows.get(self.heading or "")
        if key is None or key in self.seen_rows:
            return False
        heading = self.labels.printed.get(self.heading or "", "")
        self._open_row(key, token)
        self.notes.to_check.append(
            f"{self.where(token.row)}：“{heading}”没有分项（2019 年格式的写法），其数字按本格式的"
            f"“{self.table.row(key).label}”读取，请核对"
        )
        return True

    def _place(self, cells: list[Token], slots: list[Slot], where: str) -> list[Slot]:
        """Put a row's numbers in its columns; returns the columns left without a number.

        Without blank cells the numbers fill the columns in order. With them, a blank keeps its column (null:
        not known) — once the blanks before the first number and after the last (a label's or the table's
        margin) are left aside so that the cells line up with the columns. Where they cannot, nothing of the
        row is read and the clerk is told: a number is never put in a column it may not belong to."""
        values = [t for t in cells if t.text]
        if len(values) == len(cells) or len(values) >= len(slots):
            for token in values:
                if not slots:
                    self._leftover(token)
                    continue
                self._put(slots.pop(0), token)
            return slots
        while len(cells) > len(slots) and not cells[0].text:
            cells = cells[1:]
        while len(cells) > len(slots) and not cells[-1].text:
            cells = cells[:-1]
        if len(cells) != len(slots):
            self.notes.not_understood.append(
                f"{where}：数字和空白单元格对不上表格的 {len(slots)} 列，这一行未读取，请核对后手工填写"
            )
            return []
        for slot, token in zip(slots, cells, strict=True):
            if token.text:
                self._put(slot, token)
            else:
                self.blanks += 1
        return []

    def _put(self, slot: Slot, token: Token) -> None:
        if isinstance(slot, tuple):
            self._store(slot[0], slot[1], token)
        else:
            assert self.row is not None
            self._store(self.row, slot, token)

    def _leftover(self, token: Token) -> None:
        self.notes.not_understood.append(f"{self.where(token.row)}：多出的数字“{token.text}”，不知道属于哪一格")

    def _store(self, row: str, col: str, token: Token) -> None:
        spec = self.table.cell(row, col)
        if spec is None:
            return
        try:
            value = parse_value(token.text, spec.kind)
        except ValueParseError as exc:
            value = None
            reason = exc.message
        else:
            reason = "空白"
        if value is None:
            self.notes.not_understood.append(
                f"{self.where(token.row)}：{self._cell_name(row, col)} 的值无法读取（{reason}）"
            )
            return
        self.report.cells[spec.key] = value
        self.filled += 1
        # 表二's decisions of a whole city run into millions (淮安 2024: 3,985,758 行政处罚): in a grid's own cell
        # such a number is that cell's; applications and cases (表三, 表四) never are
        decisions = token.cell and self.table.layout == "blocks"
        if spec.kind == "count" and value > PLAUSIBLE_COUNT and not decisions:
            why = "" if token.cell else "可能是几个单元格的数字连在了一起，"
            self.notes.to_check.append(
                f"{self.where(token.row)}：{self._cell_name(row, col)} 读作 {value:,}，大得不合常理，"
                f"{why}请对照原文核对"
            )

    def _cell_name(self, row: str, col: str) -> str:
        return f"“{self.table.row(row).label}·{self.table.column(col).label}”"

    def _label(self, token: Token) -> None:
        text = normalise(token.text)
        if self._take(text, token):
            return
        if text in self.labels.columns:  # a column's own name out of the header: not a misspelt label
            self.notes.not_understood.append(f"{self.where(token.row)}：无法识别“{token.text}”")
            return
        reading = self.tolerance.read(text, (token.text, token.row))
        for label in reading.labels:
            self._take(label, token)
        self._tell(reading)

    def _tell(self, reading: Reading) -> None:
        for (text, row), label in reading.alike:
            self.notes.filled.append(f"{self.where(row)}：“{text}”按“{label}”读取")
        for text, row in reading.unknown:
            self.notes.not_understood.append(f"{self.where(row)}：无法识别“{text}”")

    def _take(self, text: str, token: Token) -> bool:
        """Read `text` (compare form) as the label it is; False when it is none of the table's labels."""
        labels = self.labels
        self.heading = None
        if text in labels.rows:
            self._open_row(labels.rows[text], token)
        elif text in labels.captions or text in labels.corners:
            self._close_row()
            self.header, self.header_open = [], True
        elif text in labels.columns and (self.header_open or (self.row is None and not self.seen_rows)):
            self._close_row()
            self.header.append(labels.columns[text])
        elif text in labels.other:
            self._close_row()
            self.heading = text
        elif strip_numbering(text) in labels.stripped_rows:
            self._open_row(labels.stripped_rows[strip_numbering(text)], token)
        else:
            return False
        return True

    def _open_row(self, key: str, token: Token) -> None:
        self._close_row()
        self.header_open = False
        if key in self.seen_rows:
            self.notes.not_understood.append(f"{self.where(token.row)}：“{token.text}”出现了两次，只取第一次的数字")
            return
        self.seen_rows.add(key)
        self.row, self.row_at = key, token.row
        self.slots = self._columns_for(self.table.block_of(key), token)

    def _columns_for(self, block: Block, token: Token) -> list[str]:
        own = [c.key for c in block.columns]
        # Only one-level headers (t2's blocks) read in column order; t3's three header rows do not.
        if self.table.layout != "blocks" or not self.header or not set(self.header) & set(own):
            return own
        for col in block.columns:
            if col.key not in self.header:
                self.notes.not_understood.append(f"{self.where(token.row)}：找不到“{col.label}”列")
        self.header = [k for k in self.header if k in own]  # report a missing column once per header
        return list(self.header)

    def _close_row(self) -> None:
        if self.row is not None:
            pending, self.pending = self.pending, []
            where = f"{self.where(self.row_at)}：“{self.table.row(self.row).label}”"
            if any(t.run for t in pending):
                self.runs.add([(self.table.key, self.row, c) for c in self.slots], [t.text for t in pending], where)
                self.slots = []
            else:
                left = self._place(pending, list[Slot](self.slots), where)
                self.slots = [c for c in left if isinstance(c, str)]
        if self.row is not None and self.slots:
            names = "、".join(f"“{self.table.column(c).label}”" for c in self.slots)
            self.notes.not_understood.append(
                f"{self.where(self.row_at)}：“{self.table.row(self.row).label}”缺少 {names} 的数字"
            )
        self.row, self.slots = None, []


def fill_tables(report: Report, tokens: dict[str, list[Token]], notes: Notes) -> None:
    fmt = report.format
    for table in fmt.tables:
        found = tokens.get(table.key, [])
        if not found:
            notes.not_understood.append(f"{table.name}：未找到")
            continue
        filler = _TableFiller(report, table, notes)
        filler.feed(found)
        filler.finish()
        inferred = len(filler.runs.inferred)
        share = f"（其中 {inferred} 个由连在一起的数字按勾稽关系拆分得出）" if inferred else ""
        notes.filled.append(f"{table.name}：{filler.filled} 个单元格{share}")
        if filler.blanks:
            notes.not_understood.append(
                f"{table.name}：{filler.blanks} 个单元格在原文中是空白，按“未填写”导入（不当作 0），请核对"
            )
        missing = [s for s in table.cells if s.key not in report.cells]
        if missing and filler.filled:
            names = "、".join(f"{table.row(s.row).label}·{table.column(s.col).label}" for s in missing[:3])
            more = "等" if len(missing) > 3 else ""
            notes.not_understood.append(f"{table.name}：{len(missing)} 个单元格未填（{names}{more}）")


# ---------------------------------------------------------------------------------------------------- narrative

_SUB = re.compile(rf"^[（(]\s*([{NUMERALS}])\s*[)）]\s*(.*)$", re.S)


def clause(text: str, limit: int = 30) -> tuple[str | None, str]:
    """Split a heading that runs into its text ('（四）平台建设。2020年…') at its first stop."""
    match = re.search(r"[。：:]", text[: limit + 1])
    if match:
        return text[: match.start()], text[match.end() :].strip()
    if len(text) <= limit:
        return text, ""
    return None, text


def _run_in(text: str, heading: str) -> tuple[str, str] | None:
    """The heading and the text of a paragraph that opens with `heading` and runs on without a stop."""
    pattern = r"\s*".join(re.escape(c) for c in re.sub(r"\s+", "", heading))
    match = re.match(rf"\s*{pattern}(?:方面)?", text)
    return (match.group().strip(), text[match.end() :].strip()) if match and heading else None


def paragraphs(items: Iterable[Item]) -> list[str]:
    return [i.strip() for i in items if isinstance(i, str) and i.strip()]


def split_by_subheadings(paras: list[str], section: Section, notes: Notes) -> tuple[dict[str, str], list[str]]:
    """A section by its texts' sub-topic headings （一）…（五） (一、总体情况); paragraphs before the first go
    back as the opening."""
    specs = section.texts
    parts: dict[str, list[str]] = {}
    opening: list[str] = []
    current = -1
    for para in paras:
        match = _SUB.match(para)
        if match:
            index = NUMERALS.index(match.group(1))
            if current < index < len(specs):
                name, body = clause(match.group(2))
                expected = re.sub(r"^[（(][^)）]*[)）]", "", specs[index].heading or specs[index].label)
                run_in = _run_in(match.group(2), expected)
                if run_in is not None and (name is None or len(normalise(name)) > len(run_in[0]) + 4):
                    name, body = run_in  # '（一）主动公开2020年，…': the heading runs into its text
                if name is None or similar(name, expected) or index == current + 1:
                    if name is not None and not similar(name, expected):
                        body = match.group(2).strip()
                    current = index
                    parts[specs[index].key] = [body] if body else []
                    continue
        if current < 0:
            opening.append(para)
        else:
            parts[specs[current].key].append(para)
    if not parts and opening:
        notes.not_understood.append(
            f"{section.title}：未找到（一）至（{NUMERALS[len(specs) - 1]}）小标题，全文放入“{specs[0].label}”"
        )
        return {specs[0].key: "\n\n".join(opening)}, []
    return {k: "\n\n".join(v) for k, v in parts.items()}, opening


_PROBLEM = re.compile(r"问题|不足")
_IMPROVE = re.compile(r"改进|措施|整改|下一步|今后|计划|打算|举措|方向")
_IMPROVE_SENTENCE = re.compile(r"。(?=(?:下一步|今后|针对|为此|改进措施|\d{4}年[，,]?(?:我|本|将)))")


def split_problems_improvements(paras: list[str], section: Section, notes: Notes) -> tuple[str, str]:
    """A section (五、存在的主要问题及改进情况) into problems and improvements, its two texts: by its sub-headings,
    else by the first paragraph about 改进."""
    problems: list[str] = []
    improvements: list[str] = []
    target: list[str] | None = None
    headed = False
    for para in paras:
        match = _SUB.match(para) or re.match(rf"^([{NUMERALS}])\s*、\s*(.*)$", para, re.S)
        if match:
            name, body = clause(match.group(2), 20)
        elif len(para) <= 20 and not re.search(r"[。；;，,]", para):  # an unnumbered heading line
            name, body = para, ""
        else:
            name, body = None, para
        if name is not None:
            if _IMPROVE.search(name):
                target, headed = improvements, True
                if body:
                    improvements.append(body)
                continue
            if _PROBLEM.search(name):
                target, headed = problems, True
                if body:
                    problems.append(body)
                continue
        (target if target is not None else problems).append(para)
    if not headed:
        problems, improvements = [], []
        for para in paras:
            # After the first paragraph, problems go on only while a paragraph opens by naming a problem.
            if problems and not improvements and (_IMPROVE.search(para[:20]) or not _PROBLEM.search(para[:30])):
                improvements.append(para)
            else:
                (improvements if improvements else problems).append(para)
        if len(problems) == 1 and not improvements:
            pieces = _IMPROVE_SENTENCE.split(problems[0], maxsplit=1)
            if len(pieces) == 2:
                problems, improvements = [pieces[0] + "。"], [pieces[1]]
        if problems and not improvements:
            notes.not_understood.append(f"{section.title}：未能区分问题与改进，全文放入“{section.texts[0].label}”")
    return "\n\n".join(problems), "\n\n".join(improvements)


_NO_FEE = re.compile(r"未(?:收取|收|产生)(?:任何)?信息处理费")
_FEE_NOTICES = re.compile(r"收费通知(?:书)?\s*(\d+)\s*(?:件|份)")
_FEE_AMOUNT = re.compile(r"信息处理费\s*(?:共计|合计)?\s*([\d,]+(?:\.\d+)?)\s*元")
_GENERATED_FEE = re.compile(r"本年度(?:未收取信息处理费|共发出收费通知\d+件，实际收取信息处理费[\d.]+元)。")


def take_fees(paras: list[str], notes: Notes) -> tuple[list[str], Fees]:
    """The 信息处理费 of section 六 (2021 format) from its sentence; the app's own generated sentence is dropped
    from the text, since printing adds it again."""
    for i, para in enumerate(paras):
        if "信息处理费" not in para:
            continue
        if _NO_FEE.search(para):
            fees = Fees(0, Decimal(0))
        else:
            notices, amount = _FEE_NOTICES.search(para), _FEE_AMOUNT.search(para)
            if notices is None and amount is None:
                continue
            fees = Fees(int(notices.group(1)) if notices else None)
            if amount is not None:
                try:
                    fees.amount_yuan = check_yuan(Decimal(amount.group(1).replace(",", "")))
                except (ValueParseError, InvalidOperation):
                    notes.not_understood.append(f"信息处理费金额“{amount.group(1)}元”无法读取")
        notes.filled.append(
            f"信息处理费：收费通知 {fees.notices if fees.notices is not None else '?'} 件，"
            f"{fees.amount_yuan if fees.amount_yuan is not None else '?'} 元"
        )
        if _GENERATED_FEE.fullmatch(para):
            paras = paras[:i] + paras[i + 1 :]
        return paras, fees
    return paras, Fees()
