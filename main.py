"""Nianbao (年报) entry point: no arguments start the desktop app; a command runs headless.

    python main.py                                   start the app on the default database
    python main.py check FILE [--json] [--previous LAST_YEAR_FILE] [--rules PACK.json]
                                                     check a report file (exit 0 ok, 1 errors, 2 unreadable)
    python main.py import FILE… [--db DB] [--replace | --keep]
    python main.py export AGENCY YEAR -o OUT.{json,xlsx,pdf,ofd,docx,html} [--db DB]
    python main.py aggregate FILE… -o OUT.{json,xlsx} [--name NAME] [--year Y] [--format F] [--rules PACK.json]
    python main.py pdf FILE -o OUT.pdf [--centred] [--check-report CHECK.pdf [--trends]]
    python main.py trends AGENCY -o FOLDER [--units] [--db DB]
                                                     历年对比: a PNG per chart, the figures as .csv and .xlsx
    python main.py draft FILE [--section KEY]        插入数据段落: the paragraphs that state each text's figures
    python main.py audit FOLDER_OR_FILE… -o OUT.{xlsx,html}
                                                     批量审核: read and check every report file, one row each
    python main.py board PARENT YEAR [-o OUT.xlsx] [--reminder] [--deadline D] [--sum SUM.json [--name N]] [--db DB]
                                                     报送 board: where each unit's report stands; 催报; 汇总
    python main.py units list [PARENT] | add NAME [--parent P] | move NAME [--parent P] | remove NAME
                 | import LIST.xlsx [--db DB]         units and their parents
    python main.py backups [--db DB]                 list the database's backups
    python main.py restore BACKUP [--db DB]          restore one (the current file is kept aside)
    python main.py init-shared URL                   create or upgrade the app's tables on the office's server
    python main.py password-store                    whether this PC can remember the shared database's password

This module only parses arguments, wires objects together and prints; the work is done in services/.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from services.checks import Finding
    from services.documents import ReadReport
    from services.report import Report
    from services.trends import Trends
    from services.workspace import Workspace

EXIT_OK, EXIT_FINDINGS, EXIT_INVALID, EXIT_BUG = 0, 1, 2, 3


def _year(text: str) -> int:
    from services.report import YEAR_RANGE

    if not text.isdigit() or not YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]:
        raise argparse.ArgumentTypeError(f"年度应为 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的年份，实际为 {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="年报：政府信息公开工作年度报告的编制、审核与报送")
    parser.add_argument("--db", help="数据库文件路径或 SQLAlchemy 地址（默认：用户数据目录中的 nianbao.sqlite3）")
    parser.add_argument("--data-dir", help="用户数据目录（默认由系统决定）")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="审核一个报告文件（.json .xlsx，或网上公开的 .html .txt .pdf .docx）")
    check.add_argument("file", type=Path)
    check.add_argument("--json", action="store_true", help="以 JSON 列表输出审核结果")
    check.add_argument("--previous", type=Path, help="上一年度的报告文件，用于跨年度核对（结转、现行有效件数等）")
    check.add_argument("--rules", type=Path, metavar="PACK.json", help="上级机关的规则包：在正式审核之外按其要求审核")

    imp = sub.add_parser(
        "import",
        help="把报告文件（.json .xlsx，或网上公开的 .html .txt .pdf .docx）导入数据库（每个文件全部导入或不导入）",
    )
    imp.add_argument("files", type=Path, nargs="+")
    existing = imp.add_mutually_exclusive_group()
    existing.add_argument("--replace", action="store_true", help="数据库中已有同一单位同一年度的报告时，用文件中的替换")
    existing.add_argument(
        "--keep", action="store_true", help="数据库中已有同一单位同一年度的报告时，保留原有的，跳过该文件"
    )
    imp.add_argument("--agency", help="网页、文本、PDF 或 Word 中没有写明机关名称时，用此名称")
    imp.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    exp = sub.add_parser("export", help="导出数据库中的一份报告")
    exp.add_argument("agency")
    exp.add_argument("year", type=_year)
    exp.add_argument("-o", "--output", type=Path, required=True)
    exp.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    backups = sub.add_parser("backups", help="列出数据库的备份（时间、原因、报告数）")
    backups.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    restore = sub.add_parser("restore", help="用一个备份恢复数据库（原文件先移到一旁保存）")
    restore.add_argument("backup", type=Path)
    restore.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    shared = sub.add_parser("init-shared", help="在办公室共享的 PostgreSQL 数据库中建立或升级年报的数据表")
    shared.add_argument("url", help="postgresql://用户名@服务器[:端口]/数据库（密码可放在环境变量 PGPASSWORD 中）")
    sub.add_parser("password-store", help="检查本机能否记住共享数据库的密码（Windows 凭据管理器等）")

    pdf = sub.add_parser("pdf", help="生成报告的正式PDF（GB/T 9704 公文格式）")
    pdf.add_argument("file", type=Path)
    pdf.add_argument("-o", "--output", type=Path, required=True)
    pdf.add_argument("--centred", action="store_true", help="页码居中（默认单页码居右、双页码居左）")
    pdf.add_argument("--check-report", type=Path, help="同时生成审核报告PDF到此路径")
    pdf.add_argument(
        "--trends",
        action="store_true",
        help="审核报告附历年对比图（历年报告取自数据库，见 --db；本文件代替其同年的报告）",
    )
    pdf.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    trends = sub.add_parser("trends", help="历年对比：一个单位历年报告的图表（PNG）和数字表（.csv、.xlsx）")
    trends.add_argument("agency")
    trends.add_argument("-o", "--output", type=Path, required=True, help="写入图表和表格的文件夹")
    trends.add_argument("--units", action="store_true", help="对比该单位的下属单位逐年汇总，而不是它自己的报告")
    trends.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    draft = sub.add_parser(
        "draft", help="拟写数据段落：按表中数字写出各部分文字应说明的数字（申请、办理结果、复议诉讼、收费）"
    )
    draft.add_argument("file", type=Path)
    draft.add_argument("--section", help="只拟写这一部分或这一段文字（如 s1、s1_request）")

    fonts = sub.add_parser("fonts", help="列出打印各部分所用的字体，以及未安装标准字体时的替代")
    fonts.add_argument(
        "--folder", type=Path, action="append", default=[], help="另外查找此文件夹中的字体（可多次使用）"
    )

    agg = sub.add_parser("aggregate", help="汇总多个单位同一年度、同一格式的报告")
    agg.add_argument("files", type=Path, nargs="+")
    agg.add_argument(
        "-o", "--output", type=Path, required=True, help="汇总结果：.json 报送数据包或 .xlsx（每单位一表加汇总表）"
    )
    agg.add_argument("--name", default="汇总", help="汇总报告的机关名称（默认“汇总”）")
    agg.add_argument("--year", type=_year, help="年度（默认取第一个文件的年度）")
    agg.add_argument("--format", dest="format_id", help="格式 2019 或 2021（默认按年度）")
    agg.add_argument("--rules", type=Path, metavar="PACK.json", help="上级机关的规则包：列出未达其要求的单位")

    audit = sub.add_parser("audit", help="批量审核：读取并审核文件夹中的每个报告文件，每个文件一行")
    audit.add_argument("inputs", type=Path, nargs="+", metavar="FOLDER_OR_FILE")
    audit.add_argument("-o", "--output", type=Path, required=True, help="审核结果：.xlsx 或 .html")
    _board_parsers(sub)
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 2025-01-15，实际为 {text!r}") from None


def _board_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    board = sub.add_parser("board", help="报送情况：上级单位的各下属单位某年度报告的状态、错误数、来源文件，及催报通知")
    board.add_argument("parent", help="上级单位（汇总单位）的名称")
    board.add_argument("year", type=_year)
    board.add_argument("-o", "--output", type=Path, help="把报送情况（含催报通知）导出为 .xlsx")
    board.add_argument("--reminder", action="store_true", help="只输出催报通知（可复制发送）")
    board.add_argument(
        "--deadline", type=_day, help="内部报送期限，如 2025-01-15（默认：窗口中设定的，或法定的 1 月 31 日）"
    )
    board.add_argument("--sum", type=Path, metavar="SUM.{json,xlsx}", help="汇总有报告的下属单位，写入此文件")
    board.add_argument("--name", help="汇总报告的机关名称（默认：上级单位名称加“（汇总）”）")
    board.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)

    units = sub.add_parser("units", help="下属单位与上级单位：列出、新增、移动、移除，或从 Excel 名单导入")
    actions = units.add_subparsers(dest="units_command", required=True)
    listed = actions.add_parser("list", help="列出单位及其上级单位（给出上级单位时只列其下属单位）")
    listed.add_argument("parent", nargs="?")
    add = actions.add_parser("add", help="新增单位")
    add.add_argument("name")
    add.add_argument("--parent", help="上级单位（不写：没有上级单位）")
    move = actions.add_parser("move", help="把单位移到另一个上级单位下（不写 --parent：不属于任何上级单位）")
    move.add_argument("name")
    move.add_argument("--parent")
    remove = actions.add_parser("remove", help="从上级单位的下属中移除（没有报告的单位一并删除）")
    remove.add_argument("name")
    imported = actions.add_parser("import", help="从 Excel 名单导入（“单位名称”“上级单位”两列），全部导入或不导入")
    imported.add_argument("file", type=Path)
    for action in (listed, add, move, remove, imported):
        action.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)


def _db_target(args: argparse.Namespace) -> str:
    from services.paths import default_database_path

    chosen = getattr(args, "db_sub", None) or args.db
    return str(chosen) if chosen else str(default_database_path(args.data_dir))


def _say_notes(path: Path, read: ReadReport) -> None:
    """What a published report's import understood and what it did not, and what a reader put right, for the
    clerk (on stderr, so that --json output stays clean)."""
    if read.filled:
        print(f"{path}：已识别 " + "；".join(read.filled), file=sys.stderr)
    for line in read.not_understood:
        print(f"{path}：未能识别 {line}", file=sys.stderr)
    for line in read.notices:
        print(f"{path}：注意：{line}", file=sys.stderr)


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from services.checks import check_report, errors
    from services.documents import read_document, read_report_file
    from services.errors import NianbaoError

    read = read_document(args.file)
    _say_notes(args.file, read)
    report = read.report
    previous = read_report_file(args.previous) if args.previous else None
    if previous is not None and (previous.agency, previous.year) != (report.agency, report.year - 1):
        raise NianbaoError(
            f"--previous 应为“{report.agency}”{report.year - 1} 年的报告，"
            f"实际为“{previous.agency}”{previous.year} 年的报告。"
        )
    findings = check_report(report, previous, finalising=report.status == "final")
    if args.rules:
        findings += _pack_findings(args.rules, report)
    if args.json:
        out.write(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(f"{args.file}：{report.display_title()}（{report.format_id} 格式）\n")
        for f in findings:
            level = "错误" if f.severity == "error" else ("提示（已说明）" if f.explained else "提示")
            out.write(f"[{level}] {f.rule}：{f.message}\n")
        n_err = len(errors(findings))
        out.write(f"共 {len(findings)} 条审核结果，其中错误 {n_err} 条。\n")
    return EXIT_FINDINGS if errors(findings) else EXIT_OK


def _pack_findings(path: Path, report: Report) -> list[Finding]:
    """A superior office's rule pack on top of the official checks; what it is, and whether it applies, on
    stderr (so that --json output stays clean). A malformed pack stops the command (exit 2)."""
    from services.rule_pack_reader import load_rule_pack
    from services.rule_packs import pack_findings

    pack = load_rule_pack(path)
    why = pack.applies(report)
    applies = f"；不适用于本报告：{why}" if why else ""
    print(f"{pack.label()}；{pack.office}；版本 {pack.version}{applies}", file=sys.stderr)
    return pack_findings(report, pack)


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from models.database import open_database
    from services.documents import read_document
    from services.errors import NianbaoError
    from services.importing import OnExisting
    from services.workspace import Workspace

    space = Workspace(open_database(_db_target(args)))
    on_existing: OnExisting = "replace" if args.replace else "keep" if args.keep else "refuse"
    failed = 0
    for path in args.files:
        try:
            read = read_document(path, args.agency)
            if read.filled:
                print(f"{path}：已识别 " + "；".join(read.filled), file=sys.stderr)
            if not read.report.agency.strip():
                raise NianbaoError("文件中没有机关名称，请用 --agency 指定后再导入。")
            # the window's import makes this very call
            done = space.store(str(path), read, on_existing, source=path.name)
        except NianbaoError as exc:
            failed += 1
            print(f"{path}：未导入。{exc}", file=sys.stderr)
        else:
            if done.report_id is not None:
                out.write(f"{path}：已导入 {read.report.agency} {read.report.year} 年报告。\n")
            for message in done.messages:
                out.write(f"  {message}\n")
    space.db.dispose()
    return EXIT_INVALID if failed else EXIT_OK


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from models.database import open_database, sqlite_file
    from services.documents import write_report_file
    from services.errors import StorageError
    from services.storage import find_report, load_report

    db = open_database(_db_target(args), create=False)
    with db.transaction() as session:
        report_id = find_report(session, args.agency, args.year)
        if report_id is None:
            raise StorageError(f"数据库中没有“{args.agency}”{args.year} 年的报告。")
        report = load_report(session, report_id)
    database_file = sqlite_file(db.url)
    db.dispose()
    write_report_file(report, args.output, database_file)
    out.write(f"已导出到 {args.output}\n")
    return EXIT_OK


def _sqlite_path(args: argparse.Namespace) -> Path:
    from models.database import make_url_for, sqlite_file
    from services.errors import StorageError

    path = sqlite_file(make_url_for(_db_target(args)))
    if path is None:
        raise StorageError("共享的 PostgreSQL 数据库由服务器管理员备份和恢复，本命令只用于本机的 SQLite 数据库文件。")
    return path


def cmd_backups(args: argparse.Namespace, out: TextIO) -> int:
    from services.backup import list_backups

    path = _sqlite_path(args)
    backups = list_backups(path)
    if not backups:
        out.write(f"{path} 没有备份。\n")
    for info in backups:
        reports = "无法读取" if info.reports is None else f"{info.reports} 份报告"
        out.write(f"{info.made_at:%Y-%m-%d %H:%M:%S}  {info.reason:<24} {reports:<10} {info.path}\n")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, out: TextIO) -> int:
    from services.backup import restore_backup

    aside = restore_backup(_sqlite_path(args), args.backup)
    kept = f"；原文件保存在 {aside}" if aside else ""
    out.write(f"已用 {args.backup} 恢复数据库{kept}\n")
    return EXIT_OK


def cmd_init_shared(args: argparse.Namespace, out: TextIO) -> int:
    from services.shared_database import init_shared

    before, after = init_shared(args.url)
    if before is None:
        out.write(f"已在共享数据库中建立年报的数据表（数据结构版本 {after}）。\n")
    elif before == after:
        out.write(f"共享数据库的数据表已是最新（数据结构版本 {after}），未作改动。\n")
    else:
        out.write(f"已把共享数据库的数据表从版本 {before} 升级到 {after}。\n")
    return EXIT_OK


def cmd_password_store(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 0 when passwords can be remembered here, 1 when not (the clerk then types it at each start)."""
    from services.passwords import NO_STORE_MESSAGE, store_name

    name = store_name()
    out.write(f"密码保管库：{name}\n" if name else f"{NO_STORE_MESSAGE}\n")
    return EXIT_OK if name else EXIT_FINDINGS


def cmd_pdf(args: argparse.Namespace, out: TextIO) -> int:
    from services.documents import read_report_file
    from services.errors import NianbaoError
    from services.files import write_atomically
    from services.pdf.fonts import resolve_fonts
    from services.pdf.render import FAILED_MARK, PdfOptions, render_check_report, render_report, watermark_text

    if args.trends and not args.check_report:
        raise NianbaoError("--trends 是审核报告的附图，请同时用 --check-report 指定审核报告PDF的路径。")
    report = read_report_file(args.file)
    options = PdfOptions(page_numbers="centred" if args.centred else "outer")
    from services.app_state import load_state

    fonts = resolve_fonts(choices=load_state(args.data_dir).font_choices())  # type: ignore[arg-type]
    write_atomically(args.output, render_report(report, options, fonts))
    out.write(f"已生成 {args.output}\n")
    for line in fonts.substitutions():
        out.write(f"字体替代 {line}\n")
    if watermark_text(report, options) == FAILED_MARK:
        out.write(f"注意：文件标为已定稿，但表格未通过审核，每页加了“{FAILED_MARK}”水印。请用 check 命令查看错误。\n")
    if args.check_report:
        from services.checks import check_report

        findings = check_report(report, finalising=report.status == "final")
        trends = _stored_trends(args, report.agency, current=report) if args.trends else None
        write_atomically(args.check_report, render_check_report(report, findings, fonts, trends=trends))
        out.write(f"已生成审核报告 {args.check_report}" + ("（附历年对比图）" if trends else "") + "\n")
    return EXIT_OK


def _stored_trends(
    args: argparse.Namespace, agency: str, *, units: bool = False, current: Report | None = None
) -> Trends:
    """历年对比 of an agency from the database (refused when it has no report there, nor `current`)."""
    from models.database import open_database
    from services.errors import StorageError
    from services.trend_reports import TrendSubject
    from services.workspace import Workspace

    space = Workspace(open_database(_db_target(args), create=False))
    try:
        trends = space.trends(TrendSubject(agency, units), current)
    finally:
        space.db.dispose()
    if not trends.years:
        raise StorageError(f"数据库中没有“{agency}”的报告，无法作历年对比。")
    return trends


def cmd_trends(args: argparse.Namespace, out: TextIO) -> int:
    from services.app_state import load_state
    from services.pdf.fonts import resolve_fonts
    from services.trend_export import write_trend_files

    trends = _stored_trends(args, args.agency, units=args.units)
    fonts = resolve_fonts(choices=load_state(args.data_dir).font_choices())  # type: ignore[arg-type]
    for path in write_trend_files(trends, fonts, args.output):
        out.write(f"已写入 {path}\n")
    for span in trends.formats:
        out.write(f"{span.text()}\n")
    for swing in trends.swings():
        out.write(f"变化大：{swing.year}年 {swing.message}\n")
    return EXIT_OK


def cmd_draft(args: argparse.Namespace, out: TextIO) -> int:
    from services.documents import read_document
    from services.drafting import drafts_for
    from services.errors import NianbaoError
    from services.text_checks import text_names

    read = read_document(args.file)
    _say_notes(args.file, read)
    report = read.report
    try:
        proposals = drafts_for(report, args.section)
    except KeyError as exc:
        raise NianbaoError(str(exc.args[0])) from None
    names = text_names(report.format)
    out.write(f"{args.file}：{report.display_title()}（{report.format_id} 格式）\n")
    for proposal in proposals:
        out.write(f"\n【{names.get(proposal.text_key, proposal.text_key)}】\n")
        for para in proposal.paragraphs:
            out.write(para + "\n")
        if proposal.missing:
            out.write(f"（以下单元格未填写，相关段落未拟写：{'、'.join(proposal.missing)}）\n")
    return EXIT_OK


def cmd_fonts(args: argparse.Namespace, out: TextIO) -> int:
    """The face that prints each role, where it is, and the stand-ins; exit 2 with no Chinese face at all."""
    from services.app_state import load_state
    from services.pdf.font_sources import ROLE_NAMES, ROLES
    from services.pdf.fonts import resolve_fonts

    fonts = resolve_fonts(args.folder, choices=load_state(args.data_dir).font_choices())  # type: ignore[arg-type]
    fonts.require()
    for role in ROLES:
        face = fonts.primary(role)
        out.write(f"{ROLE_NAMES[role]}：{face.family}（{face.path}）\n")
    for line in fonts.substitutions():
        out.write(f"字体替代 {line}\n")
    return EXIT_OK


def cmd_aggregate(args: argparse.Namespace, out: TextIO) -> int:
    from services.aggregate import aggregate_reports
    from services.checks import errors
    from services.documents import read_report_file, write_report_file
    from services.formats import format_for_year

    reports = [read_report_file(path) for path in args.files]  # any unreadable file stops it: exit 2
    year = args.year or reports[0].year
    format_id = args.format_id or format_for_year(year).id
    result = aggregate_reports(args.name, year, format_id, reports)
    if args.output.suffix.lower() == ".xlsx":
        from services.excel import write_units_xlsx

        write_units_xlsx(result.report, result.units, args.output)
    else:
        write_report_file(result.report, args.output)
    out.write(f"{year} 年（{format_id} 格式）汇总 {len(result.included)} 个单位，已写入 {args.output}\n")
    for agency, reason in result.refused:
        out.write(f"  未汇总：{agency}：{reason}\n")
    for unit in result.erroneous:
        out.write(f"  有错误的单位：{unit.agency}（{unit.errors} 个错误）\n")
    sum_errors = errors(result.findings)
    for finding in sum_errors:
        out.write(f"  汇总结果错误 {finding.rule}：{finding.message}\n")
    pack_errors = False
    if args.rules:
        from services.rule_pack_reader import load_rule_pack
        from services.rule_packs import units_against_pack

        against = units_against_pack(result.units, load_rule_pack(args.rules))
        out.writelines(f"  {line}\n" for line in against.lines())
        pack_errors = against.has_errors()
    return EXIT_FINDINGS if sum_errors or result.erroneous or pack_errors else EXIT_OK


def cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    """批量审核: a file that cannot be read is a row of the results, not a failure of the run (exit 0)."""
    from services.audit import AuditRow, audit_paths
    from services.audit_write import refuse_unwritable, write_audit

    refuse_unwritable(args.output)  # before a long run, not after it

    def progress(done: int, total: int, row: AuditRow) -> None:
        outcome = f"（{row.reason}）" if row.status == "无法读取" else f" 表格 {row.share_text()}"
        if row.errors:
            outcome += f"，错误 {row.errors}"
        print(f"[{done}/{total}] {row.file}（{row.kind}）… {row.status}{outcome}", file=sys.stderr, flush=True)

    result = audit_paths(args.inputs, progress, exclude=[args.output])
    write_audit(result, args.output)
    out.write(f"{result.summary()}\n已写入 {args.output}\n")
    return EXIT_OK


def _workspace(args: argparse.Namespace) -> Workspace:
    from models.database import open_database
    from services.workspace import Workspace

    return Workspace(open_database(_db_target(args)))


def cmd_board(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 1 while a unit has not reported or sent a report with errors (a script can wait on it), else 0."""
    from services.board import reminder_text
    from services.board_deadline import board_deadline
    from services.board_write import line_values, write_board

    space = _workspace(args)
    try:
        shown = space.board(args.parent, args.year)
        deadline = args.deadline or board_deadline(args.data_dir, shown.parent, args.year)[0]
        today = date.today()
        if args.reminder:
            out.write(reminder_text(shown, deadline, today) + "\n")
        else:
            from services.board import days_text

            out.write(f"{shown.summary()}；{days_text(deadline, today)}\n")
            for i, line in enumerate(shown.lines, start=1):
                out.write("\t".join("" if v is None else str(v) for v in line_values(i, line)) + "\n")
        if args.output:
            write_board(shown, deadline, today, args.output)
            out.write(f"已导出到 {args.output}\n")
        if args.sum:
            from services.documents import write_report_file

            result = space.board_sum(args.name or f"{shown.parent}（汇总）", shown.parent, args.year)
            write_report_file(result.report, args.sum)
            out.write(f"已汇总 {len(result.included)} 个单位的报告，写入 {args.sum}\n")
            out.writelines(f"  未汇总：{agency}：{reason}\n" for agency, reason in result.refused)
    finally:
        space.db.dispose()
    return EXIT_FINDINGS if shown.count("未报送") or shown.count("有错误") else EXIT_OK


def cmd_units(args: argparse.Namespace, out: TextIO) -> int:
    space = _workspace(args)
    try:
        if args.units_command == "list":
            lines = space.agency_lines()
            for line in lines:
                if args.parent is None or line.parent == args.parent:
                    out.write(f"{line.name}\t{line.parent or ''}\n")
        elif args.units_command == "add":
            out.write(f"已新增单位“{space.add_unit(args.name, args.parent)}”。\n")
        elif args.units_command == "move":
            space.move_unit(args.name, args.parent)
            out.write(
                f"已把“{args.name}”移到“{args.parent}”下。\n"
                if args.parent
                else f"“{args.name}”已不属于任何上级单位。\n"
            )
        elif args.units_command == "remove":
            out.write(space.remove_unit(args.name) + "\n")
        else:
            out.write(space.import_units(args.file).summary() + "\n")
    finally:
        space.db.dispose()
    return EXIT_OK


def run(argv: Sequence[str], out: TextIO | None = None) -> int:
    """Run one headless command; returns the exit code of `../shared/spec/exchange.md`."""
    from services.errors import NianbaoError

    out = out or sys.stdout
    args = _parser().parse_args(argv)
    commands = {
        "check": cmd_check,
        "import": cmd_import,
        "export": cmd_export,
        "pdf": cmd_pdf,
        "aggregate": cmd_aggregate,
        "trends": cmd_trends,
        "backups": cmd_backups,
        "restore": cmd_restore,
        "init-shared": cmd_init_shared,
        "password-store": cmd_password_store,
        "fonts": cmd_fonts,
        "draft": cmd_draft,
        "audit": cmd_audit,
        "board": cmd_board,
        "units": cmd_units,
    }
    try:
        return commands[args.command](args, out)
    except NianbaoError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        # a Windows console in GBK must not crash on a character outside its code page
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    from services.documents import READABLE

    if argv and not argv[0].startswith("-") and Path(argv[0]).suffix.lower() in READABLE:
        # a file double-clicked in Explorer (打开方式 → 年报): open the app and import it
        from ui.app import run_app

        return run_app(["--open", argv[0], *argv[1:]])
    if _parser().parse_known_args(argv)[0].command is None:
        from ui.app import run_app

        return run_app(argv)
    try:
        return run(argv)
    except Exception:
        traceback.print_exc()
        print("程序内部错误：以上信息请发给维护人员。", file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
