"""Random and mutated inputs for each reader, from seeded generators (tests/fuzzing.py runs them)."""

from __future__ import annotations

import io
import json
import random
import re
import warnings
import zipfile
from decimal import Decimal
from functools import cache
from typing import Any

from services.excel import report_workbook_bytes
from services.exchange import dump_exchange
from services.exchange_write import report_hash
from services.published.matching import Grid
from services.published.text import text_items
from tests.factories import SAMPLE_TEXT, sample_report

# ------------------------------------------------------------------------------------------------ the samples


@cache
def sample_exchange_text() -> str:
    return dump_exchange(sample_report())


@cache
def sample_workbook() -> bytes:
    return report_workbook_bytes(sample_report())


@cache
def sample_members() -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(sample_workbook())) as archive:
        return tuple((info.filename, archive.read(info)) for info in archive.infolist())


@cache
def sample_text() -> str:
    return SAMPLE_TEXT.read_text(encoding="utf-8")


@cache
def sample_html() -> str:
    return items_html(text_items(sample_text()), "贵阳市人民防空办公室2020年政府信息公开工作年度报告")


@cache
def _sample_chars() -> str:
    return "".join(sorted(set(sample_text()) - {"\n", "\t"}))


def items_html(items: list[str | Grid], title: str = "", spans: dict[tuple[int, int], str] | None = None) -> str:
    """A saved page with the paragraphs and tables of a report, as government sites publish them."""
    out = [f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"]
    for item in items:
        if isinstance(item, str):
            out.append(f"<p>{_escape(item)}</p>")
            continue
        out.append("<table border='1'>")
        for r, row in enumerate(item.rows):
            cells = "".join(f"<td{(spans or {}).get((r, c), '')}>{_escape(cell)}</td>" for c, cell in enumerate(row))
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------------------------------ random pieces and bytes


_ODD_CHARS = (
    "\x00",
    "\x1f",
    "\x7f",
    "\u200b",
    "\ufeff",
    "\ufffd",
    "\u3000",
    "\xa0",
    "\u2028",
    "\ud800",
    "\U0001f600",
    "é",
    "Ⅳ",
    "①",
    "²",
    "٣",
    "𝟙",
    "﹣",
    "—",
    "…",
)
_NUMBER_PIECES = (
    "0",
    "1",
    "7",
    "12",
    "１２",
    "1,234",
    "1，234",
    "-3",
    "－3",
    "−3",
    "+2",
    "1.5",
    "533.41",
    "0.0000001",
    "1e3",
    "1E-7",
    "NaN",
    "Infinity",
    "-Infinity",
    "1000000000",
    "1000000001",
    "9" * 30,
    "1" + "0" * 400,
    "00012",
    ".5",
    "5.",
    "1..2",
    "1,23",
    "",
    " ",
    "万元",
    "元",
    "万",
    "〇",
    "一二三",
    "Ⅻ",
    "２０２０",
)


def random_text(rng: random.Random, size: int, alphabet: str = "") -> str:
    """Text from the given alphabet (default: the sample's characters), numbers, odd characters and layout."""
    alphabet = alphabet or _sample_chars()
    parts: list[str] = []
    for _ in range(size):
        roll = rng.random()
        if roll < 0.55:
            parts.append(rng.choice(alphabet))
        elif roll < 0.7:
            parts.append(rng.choice(_NUMBER_PIECES))
        elif roll < 0.8:
            parts.append(rng.choice("（）、。，：；\t\n \r"))
        elif roll < 0.9:
            parts.append(rng.choice(_ODD_CHARS))
        else:
            parts.append(chr(rng.randrange(0x110000)))
    return "".join(parts)


def random_bytes(rng: random.Random, size: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(size))


def mutate_bytes(rng: random.Random, data: bytes, ops: int) -> bytes:
    """Flip, insert, delete, duplicate and truncate at random positions."""
    buf = bytearray(data)
    for _ in range(ops):
        if not buf:
            buf += random_bytes(rng, rng.randrange(1, 16))
            continue
        at = rng.randrange(len(buf))
        op = rng.randrange(6)
        if op == 0:
            buf[at] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[at] = rng.randrange(256)
        elif op == 2:
            buf[at:at] = random_bytes(rng, rng.randrange(1, 16))
        elif op == 3:
            del buf[at : at + rng.randrange(1, 64)]
        elif op == 4:
            end = min(len(buf), at + rng.randrange(1, 256))
            buf[at:at] = buf[at:end]
        else:
            del buf[at:]
    return bytes(buf)


# --------------------------------------------------------------------------------------------------- exchange


class Raw:
    """A JSON token written as is (NaN, Infinity, 1e400, an integer of 5,000 digits, …)."""

    def __init__(self, text: str) -> None:
        self.text = text


class Pairs(list[tuple[str, Any]]):
    """A JSON object that may give a key more than once."""


_RAW_TOKENS = (
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1E-400",
    "1.0",
    "-0",
    "-0.0",
    "0.1e1",
    "12.000000000000000000001",
    "1" + "0" * 5000,
    "-" + "9" * 40,
    "4.2E+7",
    '"\\ud800"',
    '"a\\udfffb"',
    '"\\u0000"',
    '"\\ud83d\\ude00"',
)
_KEYS = (
    "kind",
    "version",
    "agency",
    "name",
    "code",
    "year",
    "format",
    "title",
    "signed_by",
    "signed_on",
    "status",
    "tables",
    "texts",
    "fees",
    "explanations",
    "sha256",
    "t2",
    "t3",
    "t4",
    "new",
    "natural",
    "total",
    "rules",
    "made",
    "fee_notices",
    "fee_amount_yuan",
    "SIGN_DATE",
    "T3_SUM:natural",
    "",
    " ",
    "$",
    "a.b",
    "[0]",
    '"',
    "表三",
    "本年新收政府信息公开申请数量",
    "\u0000",
    "__proto__",
)


def random_json(rng: random.Random, depth: int = 3) -> Any:
    """A random JSON value (with tokens Python's json would not write, and objects with repeated keys)."""
    roll = rng.randrange(14 if depth > 0 else 10)
    if roll == 0:
        return None
    if roll == 1:
        return rng.random() < 0.5
    if roll == 2:
        return rng.choice([0, 1, -1, 7, 2020, 10**9, 10**9 + 1, -(10**9), 2**63, 2**64 + 1, 10**30])
    if roll == 3:
        return rng.choice([0.5, 1.0, -0.0, 1e308, 5e-324, 533.41, 1.1000000000000001])
    if roll == 4:
        return Decimal(rng.choice(["533.41", "0.000001", "0.0000001", "-1.5", "1E+3", "12.30"]))
    if roll == 5:
        return Raw(rng.choice(_RAW_TOKENS))
    if roll in (6, 7):
        return rng.choice(
            _NUMBER_PIECES
            + _KEYS
            + ("draft", "final", "2019", "2021", "nianbao-report", "2021-01-20", "2021-02-30", "0" * 64)
        )
    if roll in (8, 9):
        return random_text(rng, rng.randrange(0, 12), '年报数字abc 0123456789"\\/')
    if roll in (10, 11):
        return [random_json(rng, depth - 1) for _ in range(rng.randrange(4))]
    pairs = Pairs((rng.choice(_KEYS), random_json(rng, depth - 1)) for _ in range(rng.randrange(4)))
    return pairs if rng.random() < 0.3 else dict(pairs)


def to_json(value: Any, indent: str | None = None) -> str:
    """JSON text of a value built by the generators (Raw tokens, repeated keys, Decimals as written)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | Pairs):
        items = value.items() if isinstance(value, dict) else value
        sep = "\n" if indent is not None else ""
        return "{" + ",".join(f"{sep}{json.dumps(k, ensure_ascii=False)}: {to_json(v, indent)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v, indent) for v in value) + "]"
    if isinstance(value, float) and value != value:  # pragma: no cover - random_json gives no float NaN
        return "NaN"
    return json.dumps(value, ensure_ascii=False)


def _containers(value: Any, out: list[Any]) -> list[Any]:
    """Every object and array of a tree (an object with repeated keys is left as it is)."""
    if isinstance(value, dict | list) and not isinstance(value, Pairs):
        out.append(value)
        for child in value.values() if isinstance(value, dict) else value:
            _containers(child, out)
    return out


def _plain(value: Any) -> bool:
    if isinstance(value, Raw | Pairs):
        return False
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return True


def mutate_exchange_tree(rng: random.Random, root: Any) -> Any:
    """Delete keys, replace values, add unknown keys, repeat keys — anywhere in the tree."""
    for _ in range(rng.randrange(1, 4)):
        nodes = _containers(root, [])
        if not nodes:
            return random_json(rng)
        node = rng.choice(nodes)
        op = rng.randrange(5)
        if isinstance(node, list):
            if node and op < 2:
                node[rng.randrange(len(node))] = random_json(rng, 2)
            elif node and op == 2:
                del node[rng.randrange(len(node))]
            else:
                node.append(random_json(rng, 2))
            continue
        keys = list(node)
        if keys and op == 0:
            del node[rng.choice(keys)]
        elif keys and op == 1:
            node[rng.choice(keys)] = random_json(rng, 2)
        elif op == 2:
            node[rng.choice(_KEYS) + rng.choice(["", "_x", " "])] = random_json(rng, 2)
        elif keys and op == 3:  # a repeated key: rebuilt as pairs, in place of the object in its parent
            key = rng.choice(keys)
            repeated = Pairs([*node.items(), (key, random_json(rng, 1) if rng.random() < 0.7 else node[key])])
            if node is root:
                return repeated
            _replace(root, node, repeated)
        elif keys:  # a key renamed
            key = rng.choice(keys)
            node[rng.choice(_KEYS)] = node.pop(key)
    return root


def _replace(root: Any, old: Any, new: Any) -> None:
    for parent in _containers(root, []):
        children = list(parent.items()) if isinstance(parent, dict) else list(enumerate(parent))
        for key, child in children:
            if child is old:
                parent[key] = new
                return


def gen_exchange(rng: random.Random) -> bytes | str:
    """One exchange-file input: a mutated sample (mostly), random JSON, deep nesting or noise; bytes or text."""
    roll = rng.random()
    if roll < 0.1:
        text = to_json(random_json(rng, 4))
    elif roll < 0.13:
        depth = rng.choice([10, 33, 1000, 100_000])
        text = rng.choice(["[", '{"a":']) * depth
        text += "" if rng.random() < 0.3 else ("]" if text.startswith("[") else "}") * depth
    elif roll < 0.15:
        return random_bytes(rng, rng.randrange(0, 200))
    else:
        root = json.loads(sample_exchange_text(), parse_float=Decimal)
        if rng.random() < 0.9:
            root = mutate_exchange_tree(rng, root)
        if isinstance(root, dict) and _plain(root) and rng.random() < 0.3:
            root["status"] = "final"  # signed again: the hash must not stop every mutation at the door
            try:
                root["sha256"] = report_hash(root)
            except UnicodeEncodeError:  # a lone surrogate cannot be hashed: leave it unsigned
                root.pop("sha256", None)
        text = to_json(root, indent="  ")
    roll = rng.random()
    if roll < 0.5:
        return text if rng.random() < 0.5 else text.encode("utf-8", errors="surrogatepass")
    if roll < 0.7:
        return mutate_bytes(rng, text.encode("utf-8", errors="surrogatepass"), rng.randrange(1, 4))
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-32", "gb18030", "utf-8-sig", "big5", "latin-1"])
    return text.encode(encoding, errors="replace")


# ------------------------------------------------------------------------------------------------------ Excel


_XML_INSERTS = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "&b;",
    "&e;",
    "&#0;",
    "&#x110000;",
    "&amp;",
    "<![CDATA[x]]>",
    "<!-- c -->",
    "<?pi x?>",
    "</row>",
    "<row>",
    '<c r="A1" t="s"><v>99</v></c>',
    '<c r="ZZZZ0"><v>1</v></c>',
    '<c r="B2" t="e"><v>#REF!</v></c>',
    '<c r="B2"><f>SUM(A1:A3)</f><v>3</v></c>',
    "\x00",
    "\udcff",
    "<",
    ">",
    "'",
    '"',
    't="b"',
)
_CELL_TEXTS = (
    "12",
    "１２",
    "1,234",
    "-1",
    "1.5",
    "abc",
    "",
    "nianbao-excel",
    "2019",
    "2021",
    "format",
    "cell",
    "label",
    "meta",
    "range",
    "text",
    "t3/new/natural",
    "A1",
    "A1:B2",
    "XFE1",
    "A1048577",
    "草稿",
    "定稿",
    "2021年2月30日",
    "2021-01-20",
    "=SUM(A1:A2)",
    "#REF!",
    "_x0000_",
    "_x4E00_",
    "_xD800_",
    "1E+308",
    "NaN",
)


def zip_members(members: list[tuple[str, bytes]], rng: random.Random | None = None) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if rng is None or rng.random() < 0.8 else zipfile.ZIP_STORED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of some inputs
        with zipfile.ZipFile(buf, "w", method) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return buf.getvalue()


def mutate_xml(rng: random.Random, xml: bytes) -> bytes:
    """Change one part of an .xlsx: values and texts of cells, cell kinds and references, inserted markup."""
    text = xml.decode("utf-8", errors="replace")
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(6)
        if op == 0:  # a cell's value or text replaced
            spots = [m.span(1) for m in re.finditer(r"<(?:t|v)>([^<]*)<", text)]
            if spots:
                start, end = rng.choice(spots)
                new = rng.choice(_CELL_TEXTS) if rng.random() < 0.6 else _escape(random_text(rng, 6))
                text = text[:start] + new + text[end:]
        elif op == 1:  # a cell's type changed
            spots = [m.span(1) for m in re.finditer(r' t="([a-zA-Z]+)"', text)]
            if spots:
                start, end = rng.choice(spots)
                text = text[:start] + rng.choice(["n", "s", "str", "b", "e", "d", "inlineStr", "x"]) + text[end:]
        elif op == 2:  # a reference changed
            spots = [m.span(1) for m in re.finditer(r' r="([A-Z]+[0-9]+)"', text)]
            if spots:
                start, end = rng.choice(spots)
                text = text[:start] + rng.choice(["A1", "B2", "ZZ9", "A5000", "A0", "", "A-1"]) + text[end:]
        elif op == 3:  # a row or cell dropped
            spots = [m.span() for m in re.finditer(r"<(row|c)\b[^>]*>.*?</\1>", text)]
            if spots:
                start, end = rng.choice(spots)
                text = text[:start] + text[end:]
        elif op == 4 and text.startswith("<"):  # a document type with entities, before the root
            text = rng.choice(_XML_INSERTS[:2]) + text
        else:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + (rng.choice(_XML_INSERTS) if rng.random() < 0.6 else random_text(rng, 5)) + text[at:]
    return text.encode("utf-8", errors="surrogatepass")


def gen_excel(rng: random.Random) -> bytes:
    """One workbook input: the sample's bytes mutated, its members shuffled or edited, or a zip of random parts."""
    members = list(sample_members())
    roll = rng.random()
    if roll < 0.25:
        return mutate_bytes(rng, sample_workbook(), rng.randrange(1, 6))
    if roll < 0.35:
        rng.shuffle(members)
        return zip_members(members, rng)
    if roll < 0.45:
        names = [n for n, _ in members] + [
            "xl/vbaProject.bin",
            "xl/sharedStrings.xml",
            "../evil",
            "/abs",
            "xl/worksheets/sheet9.xml",
            "a" * 300,
            "xl\\workbook.xml",
            "xl/",
        ]
        parts = [
            (
                rng.choice(names),
                rng.choice(
                    [
                        random_bytes(rng, rng.randrange(64)),
                        rng.choice(members)[1],
                        mutate_bytes(rng, rng.choice(members)[1], 3),
                    ]
                ),
            )
            for _ in range(rng.randrange(0, 8))
        ]
        return zip_members(parts, rng)
    index = rng.choice([i for i, (name, _) in enumerate(members) if name.endswith(".xml")] + [4, 4, 4, 10])
    name, data = members[index]
    members[index] = (name, mutate_xml(rng, data))
    if rng.random() < 0.1:
        strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>x</t></si></sst>'
        members.append(("xl/sharedStrings.xml", mutate_xml(rng, strings)))
    return zip_members(members, rng)


# -------------------------------------------------------------------------------------------------- published


_HEADINGS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "贵阳市人民防空办公室2020年政府信息公开工作年度报告",
    "2021年1月20日",
    "二〇二一年一月二十日",
)
_NUMBER = re.compile(r"\d+")


def _new_number(rng: random.Random) -> str:
    return rng.choice([*_NUMBER_PIECES, str(rng.randrange(10 ** rng.randrange(1, 12)))])


def gen_published_text(rng: random.Random) -> str:
    """Random report-like text, or the sample with lines deleted, repeated, moved and numbers replaced."""
    if rng.random() < 0.2:
        lines = [
            rng.choice(_HEADINGS) if rng.random() < 0.2 else random_text(rng, rng.randrange(0, 30))
            for _ in range(rng.randrange(0, 40))
        ]
        return "\n".join(lines)
    lines = sample_text().split("\n")
    for _ in range(rng.randrange(1, 12)):
        at = rng.randrange(len(lines)) if lines else 0
        op = rng.randrange(9)
        if not lines:
            lines.append(random_text(rng, 10))
        elif op == 0:
            del lines[at]
        elif op == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif op == 2:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == 3:
            end = min(len(lines), at + rng.randrange(2, 40))
            block = lines[at:end]
            rng.shuffle(block)
            lines[at:end] = block
        elif op in (4, 5):
            lines[at] = _NUMBER.sub(lambda _: _new_number(rng), lines[at], count=rng.randrange(0, 3))
        elif op == 6:
            lines.insert(at, rng.choice(_HEADINGS) if rng.random() < 0.5 else random_text(rng, rng.randrange(40)))
        elif op == 7:
            lines[at] = lines[at].replace("\t", rng.choice(["", "  ", "\t\t", " \t"]))
        else:
            text = lines[at]
            cut = rng.randrange(len(text) + 1)
            odd = rng.choice(["\t", "\r", "\x0c", "\u3000", "\ufeff", "（", "）", "、", "。"])
            lines[at] = text[:cut] + odd + text[cut:]
    return "\n".join(lines)


_TAGS = (
    "p",
    "div",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "span",
    "br",
    "li",
    "ul",
    "script",
    "style",
    "title",
    "head",
    "body",
    "html",
    "textarea",
    "svg",
    "font",
    "b",
    "center",
    "caption",
    "iframe",
    "x-y",
)
_SPANS = (
    "0",
    "-1",
    "-100",
    "1",
    "2",
    "3",
    "50",
    "51",
    "1000000000",
    "9" * 30,
    "abc",
    "",
    "1.5",
    " 3",
    "３",
    "2x",
    "0x10",
    "+2",
    "\u0663",
)
_MARKUP = ("<!--", "-->", "<!DOCTYPE html>", "<![CDATA[", "<", ">", "</", "<br/>", "&nbsp;", "&amp;", "&#0;", "&bogus;")
_ENTITIES = ("&nbsp;", "&amp;", "&lt;", "&#0;", "&#x0;", "&#99999999;", "&#xD800;", "&bogus;", "&", "&#", "&#12288;")


def random_html(rng: random.Random, size: int) -> str:
    """HTML-ish noise: tags opened and not closed, closed and not opened, attributes with odd spans, text."""
    parts: list[str] = []
    for _ in range(size):
        roll = rng.random()
        tag = rng.choice(_TAGS)
        if roll < 0.3:
            attrs = "".join(f' {a}="{rng.choice(_SPANS)}"' for a in ("rowspan", "colspan") if rng.random() < 0.4)
            parts.append(f"<{tag}{attrs}>")
        elif roll < 0.45:
            parts.append(f"</{tag}>")
        elif roll < 0.5:
            parts.append(rng.choice(_MARKUP))
        elif roll < 0.6:
            parts.append(rng.choice(_HEADINGS))
        else:
            parts.append(random_text(rng, rng.randrange(1, 8)))
    return "".join(parts)


def gen_published_html(rng: random.Random) -> str:
    """A page from the sample with odd spans, unclosed and nested tags, or random HTML-ish text."""
    roll = rng.random()
    if roll < 0.25:
        return random_html(rng, rng.randrange(0, 80))
    if roll < 0.28:  # deep nesting, as some generated pages have
        depth = rng.choice([50, 200, 600, 1500, 5000])
        tag = rng.choice(["div", "span", "table", "td", "b"])
        return f"<{tag}>" * depth + rng.choice(_HEADINGS) + f"</{tag}>" * rng.choice([0, depth])
    items: list[str | Grid] = list(text_items(gen_published_text(rng) if rng.random() < 0.4 else sample_text()))
    spans: dict[tuple[int, int], str] = {}
    for _ in range(rng.randrange(0, 12)):
        attr = rng.choice(["rowspan", "colspan"])
        spans[(rng.randrange(30), rng.randrange(8))] = f' {attr}="{rng.choice(_SPANS)}"'
    html = items_html(items, rng.choice(["", *_HEADINGS]), spans)
    for _ in range(rng.randrange(0, 6)):
        op = rng.randrange(4)
        at = rng.randrange(len(html) + 1)
        if op == 0:  # a closing tag lost
            spots = [m.span() for m in re.finditer(r"</(?:td|tr|table|p)>", html)]
            if spots:
                start, end = rng.choice(spots)
                html = html[:start] + html[end:]
        elif op == 1:
            html = html[:at] + random_html(rng, rng.randrange(1, 6)) + html[at:]
        elif op == 2:
            html = html[:at] + rng.choice(_ENTITIES) + html[at:]
        else:  # the page laid out inside a table
            html = f"<table><tr><td>{html}</td></tr></table>"
    return html
