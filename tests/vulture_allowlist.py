"""Names the dead-code check (tests/test_code_quality.py) must not report: each is called by a framework, a
file vulture does not read, or only named in a string. Keep it short: anything else it reports is dead."""

# ruff: noqa
# mypy: ignore-errors

process_bind_param  # SQLAlchemy TypeDecorator (models/base.py)
process_result_value  # SQLAlchemy TypeDecorator
handle_starttag  # html.parser.HTMLParser (services/published/html.py, tests/test_portal.py)
handle_startendtag  # html.parser.HTMLParser
handle_endtag  # html.parser.HTMLParser
handle_data  # html.parser.HTMLParser
breakLinesCJK  # ReportLab Paragraph (services/pdf/text.py)
createEditor  # Qt QStyledItemDelegate (ui/table_view.py)
pytest_collection_modifyitems  # pytest hook (tests/conftest.py)
pg_url  # pytest fixture, requested by name
no_openpyxl  # pytest fixture, requested by name
third_format  # pytest fixture, requested by name
reworded  # pytest fixture, requested by name (tests/test_drafting.py)
no_keyring  # pytest fixture, requested by name (tests/memory_keyring.py)
write_version_file  # called by packaging/nianbao.spec
CursorResult  # named in a typing.cast string (services/storage.py)
__getattr__  # a module's names loaded on first use, PEP 562 (models/__init__.py)
hasHeightForWidth  # Qt QWidget override (ui/chart_view.py)
paintEvent  # Qt QWidget override (ui/chart_view.py)
render_char  # pdfminer PDFDevice override (services/ofd/reading.py)
paint_path  # pdfminer PDFDevice override (services/ofd/reading.py)
render_image  # pdfminer PDFDevice override (services/ofd/reading.py)
