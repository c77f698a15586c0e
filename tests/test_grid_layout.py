"""The paper grid of each table: spans, positions and keyboard neighbours, for both formats."""

from __future__ import annotations

import pytest

from services.formats import get_format
from services.grid_layout import grid_layout


@pytest.mark.parametrize("fid", ["2019", "2021"])
@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_every_cell_of_the_format_appears_once_and_the_grid_is_covered_exactly(fid: str, table: str) -> None:
    fmt = get_format(fid)
    layout = grid_layout(fmt, table)
    assert sorted(c.key for c in layout.value_cells()) == sorted(s.key for s in fmt.table(table).cells)  # type: ignore[type-var]
    covered: dict[tuple[int, int], int] = {}
    for cell in layout.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covered[(r, c)] = covered.get((r, c), 0) + 1
    assert set(covered) == {(r, c) for r in range(layout.rows) for c in range(layout.cols)}
    assert set(covered.values()) == {1}
    for spec in fmt.table(table).cells:
        placed = layout.at(*layout.position(spec.key))
        assert placed is not None and placed.role == ("computed" if spec.computed else "value")


def test_t3_header_and_labels_as_on_paper() -> None:
    layout = grid_layout(get_format("2021"), "t3")
    corner = layout.at(0, 0)
    assert corner is not None and corner.text.startswith("（本列数据的勾稽关系")
    assert (corner.rowspan, corner.colspan) == (3, 3)
    assert [(c.text, c.rowspan, c.colspan) for c in layout.cells if c.role == "header" and c.row == 0] == [
        ("申请人情况", 1, 7)
    ]
    natural = layout.at(1, 3)
    legal_persons = layout.at(1, 4)
    assert natural is not None and (natural.text, natural.rowspan) == ("自然人", 2)
    assert legal_persons is not None and (legal_persons.text, legal_persons.colspan) == ("法人或其他组织", 5)
    results = next(c for c in layout.cells if c.text == "三、本年度办理结果")
    assert (results.col, results.rowspan) == (0, 22)
    new = next(c for c in layout.cells if c.text == "一、本年新收政府信息公开申请数量")
    assert (new.colspan, layout.at(new.row, 3).key) == (3, ("t3", "new", "natural"))  # type: ignore[union-attr]
    assert layout.rows == 3 + 25 and layout.header_rows == 3


def test_t4_two_level_header() -> None:
    layout = grid_layout(get_format("2019"), "t4")
    review, suits = layout.at(0, 0), layout.at(0, 5)
    assert review is not None and (review.text, review.rowspan, review.colspan) == ("行政复议", 2, 5)
    assert suits is not None and (suits.text, suits.colspan) == ("行政诉讼", 10)
    assert [layout.at(1, c).text for c in (5, 10)] == ["未经复议直接起诉", "复议后起诉"]  # type: ignore[union-attr]
    assert layout.at(3, 14).key == ("t4", "suit_after_review", "total")  # type: ignore[union-attr]


def test_t2_blocks_have_caption_and_header_rows() -> None:
    layout = grid_layout(get_format("2019"), "t2")
    captions = [c.text for c in layout.cells if c.role == "caption"]
    assert captions == [f"第二十条第（{n}）项" for n in "一五六八九"]
    assert all(c.colspan == 5 for c in layout.cells if c.role == "caption")
    fees = layout.at(*layout.position(("t2", "fees", "change")))
    assert fees is not None and fees.colspan == 2


def test_keyboard_neighbours_skip_labels_and_paste_targets() -> None:
    layout = grid_layout(get_format("2021"), "t3")
    assert layout.next_value(("t3", "new", "natural"), "down") == ("t3", "carried_in", "natural")
    assert layout.next_value(("t3", "new", "natural"), "left") is None
    assert layout.next_value(("t3", "carried_out", "total"), "down") is None
    t2 = grid_layout(get_format("2021"), "t2")
    # from 规范性文件 down across the caption and header rows of the next block
    assert t2.next_value(("t2", "normative", "issued"), "down") == ("t2", "licensing", "decisions")
    targets = layout.block_targets(("t3", "other_misc", "other_org"), 2, 3)
    assert targets == [
        [("t3", "other_misc", "other_org"), ("t3", "other_misc", "total"), None],
        [("t3", "total_handled", "other_org"), ("t3", "total_handled", "total"), None],
    ]
