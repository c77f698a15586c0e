"""The .deb for 统信UOS and 银河麒麟 (and any Debian or Ubuntu), made from the PyInstaller one-folder bundle, so the
PC needs no Python of its own:

    python packaging/build_deb.py [--bundle build/dist/nianbao] [--arch amd64] [--out build/deb]

What the package holds:
  /opt/nianbao/                      the bundle as PyInstaller made it (nianbao, nianbao-cli, _internal/)
  /usr/bin/nianbao, nianbao-cli      launchers (exec /opt/nianbao/…)
  /usr/share/applications/nianbao.desktop   the menu entry, 年报 in a Chinese desktop, under 办公 (Office)
  /usr/share/icons/hicolor/*/apps/nianbao.png  the icon at 48–256 px
Nothing is written under /opt at run time: the database, backups, log and font cache are in each user's folder
(~/.local/share/Nianbao, ~/.cache/Nianbao), which `dpkg -r` and `dpkg -P` leave alone. The maintainer scripts
only refresh the menu's caches where those tools exist, and never fail.

Depends is read from the bundle itself: the C library at the version its binaries ask for (the newest GLIBC_x.y
symbol version any of them needs; a PC with an older glibc refuses the package instead of failing at start), and
the few system libraries PyInstaller leaves out on purpose (libGL, libEGL, libxcb). Libraries only optional Qt
plugins want (Wayland, GTK theme, KMS, virtual keyboard) are listed, not depended on.

The architecture is the bundle's own (read from its ELF header); --arch must agree. PyInstaller cannot
cross-compile: an arm64 package (飞腾, 鲲鹏) is built from a bundle made on an arm64 machine — see
docs/信创打包.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "nianbao"
PREFIX = Path("opt") / PACKAGE
ICON = ROOT / "resources" / "icons" / "nianbao.png"
ICON_SIZES = (48, 64, 128, 256)
MAINTAINER = "年报项目组 <nianbao@localhost.invalid>"

# e_machine of the ELF header → Debian's architecture name
ELF_MACHINES = {62: "amd64", 183: "arm64", 258: "loong64"}

# sonames the bundle may take from the system, and the Debian package that has them (the same names on 统信UOS and
# 银河麒麟, which are Debian and Ubuntu derivatives); PyInstaller bundles every other library it finds
SYSTEM_LIBRARIES = {
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "libutil.so.1": "libc6",
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "ld-linux-loongarch-lp64d.so.1": "libc6",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libxcb.so.1": "libxcb1",
}

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=Nianbao
Name[zh_CN]=年报
GenericName=Government information disclosure annual report
GenericName[zh_CN]=政府信息公开工作年度报告
Comment=Prepare, check, print and submit the annual report on government information disclosure
Comment[zh_CN]=编制、审核、打印和报送政府信息公开工作年度报告
Keywords=annual report;government information disclosure;
Keywords[zh_CN]=年报;年度报告;政府信息公开;政务公开;
Exec=nianbao
Icon=nianbao
Terminal=false
StartupNotify=true
Categories=Office;
"""

LAUNCHER = """\
#!/bin/sh
# 年报 (Nianbao), installed under /{prefix} by the {package} package
exec /{prefix}/{program} "$@"
"""

# Debian's desktop-file-utils and hicolor-icon-theme refresh these caches through dpkg triggers; the scripts do it
# too for systems without those triggers, and a missing or failing tool never fails the installation.
REFRESH = """\
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q /usr/share/applications || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
    fi
"""
POSTINST = f"""\
#!/bin/sh
set -e
if [ "$1" = configure ]; then
{REFRESH}fi
exit 0
"""
# The users' data (~/.local/share/Nianbao) is never touched, not even by purge.
POSTRM = f"""\
#!/bin/sh
set -e
case "$1" in
remove|purge)
{REFRESH}    ;;
esac
exit 0
"""


class PackagingError(Exception):
    pass


@dataclass
class Elf:
    machine: int
    needed: list[str] = field(default_factory=list)
    glibc: list[tuple[int, ...]] = field(default_factory=list)
    """The GLIBC_x.y versions of symbols this file needs."""


def read_elf(path: Path) -> Elf | None:
    """The machine, the needed libraries (DT_NEEDED) and the glibc symbol versions (.gnu.version_r) of a 64-bit
    little-endian ELF file; None for any other file. Pure Python: no binutils on the PC that builds."""
    with path.open("rb") as f:
        if f.read(6) != b"\x7fELF\x02\x01":
            return None
    data = path.read_bytes()
    machine, shoff = struct.unpack_from("<H", data, 18)[0], struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    elf = Elf(machine)
    if not shoff or shentsize != 64:
        return elf
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * 64) for i in range(shnum)]

    def string(table: int, offset: int) -> str:
        start = sections[table][4] + offset
        return data[start : data.index(b"\0", start)].decode("ascii", "replace")

    for _name, kind, _flags, _addr, offset, size, link, info, _align, _entsize in sections:
        if kind == 6:  # SHT_DYNAMIC: (tag, value) pairs; DT_NEEDED = 1, DT_NULL = 0 ends them
            for at in range(offset, offset + size, 16):
                tag, value = struct.unpack_from("<qQ", data, at)
                if tag == 0:
                    break
                if tag == 1:
                    elf.needed.append(string(link, value))
        elif kind == 0x6FFFFFFE:  # SHT_GNU_verneed: per library, the symbol versions needed from it
            at = offset
            for _ in range(info):
                _version, count, _file, aux, following = struct.unpack_from("<HHIII", data, at)
                entry = at + aux
                for _ in range(count):
                    _hash, _vflags, _other, name, step = struct.unpack_from("<IHHII", data, entry)
                    found = re.fullmatch(r"GLIBC_(\d+(?:\.\d+)+)", string(link, name))
                    if found:
                        elf.glibc.append(tuple(int(part) for part in found.group(1).split(".")))
                    entry += step
                at += following
    return elf


@dataclass
class BundleNeeds:
    arch: str
    glibc: tuple[int, ...]
    depends: list[str]
    optional: dict[str, list[str]]
    """Libraries neither bundled nor depended on, with the files that want them (optional Qt plugins)."""


def bundle_needs(bundle: Path) -> BundleNeeds:
    names = {p.name for p in bundle.rglob("*")}
    main = read_elf(bundle / PACKAGE)
    if main is None:
        raise PackagingError(f"{bundle / PACKAGE} is not a 64-bit little-endian ELF executable")
    arch = ELF_MACHINES.get(main.machine)
    if arch is None:
        raise PackagingError(f"the bundle is for ELF machine {main.machine}, which this script does not know")
    glibc: tuple[int, ...] = (2, 17)
    packages: set[str] = set()
    optional: dict[str, list[str]] = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        elf = read_elf(path)
        if elf is None:
            continue
        glibc = max([glibc, *elf.glibc])
        for soname in elf.needed:
            if soname in names:
                continue
            if soname in SYSTEM_LIBRARIES:
                packages.add(SYSTEM_LIBRARIES[soname])
            else:
                optional.setdefault(soname, []).append(str(path.relative_to(bundle)))
    version = ".".join(map(str, glibc))
    depends = [f"libc6 (>= {version})", *sorted(packages - {"libc6"})]
    return BundleNeeds(arch, glibc, depends, optional)


def project_version() -> str:
    """pyproject's version as a Debian version (a pre-release sorts before its release: 1.0rc1 → 1.0~rc1)."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = str(tomllib.load(f)["project"]["version"])
    return re.sub(r"(?<=\d)\.?(a|b|rc|dev)(?=\d)", r"~\1", version)


def control(version: str, arch: str, depends: list[str], installed_kib: int) -> str:
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: 年报 — 政府信息公开工作年度报告 编制、审核、打印\n"
        " Nianbao prepares, checks, prints and submits the annual report on government\n"
        " information disclosure in the official format, offline. It runs from\n"
        f" /{PREFIX} and needs no Python of the system; each user's reports, backups and\n"
        " log are kept in ~/.local/share/Nianbao, also after the package is removed.\n"
    )


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def stage(bundle: Path, root: Path) -> None:
    """The package's files under `root`, as they will lie on the PC."""
    shutil.copytree(bundle, root / PREFIX, symlinks=True)
    for program in (PACKAGE, f"{PACKAGE}-cli"):
        _write(root / "usr" / "bin" / program, LAUNCHER.format(prefix=PREFIX, package=PACKAGE, program=program), 0o755)
    _write(root / "usr" / "share" / "applications" / f"{PACKAGE}.desktop", DESKTOP_ENTRY)
    from PIL import Image

    with Image.open(ICON) as icon:
        for size in ICON_SIZES:
            target = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{PACKAGE}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            icon.resize((size, size), Image.Resampling.LANCZOS).save(target)
    # what dpkg installs is readable by every user and writable by none but root
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        mode = path.stat().st_mode & 0o777
        wanted = 0o755 if path.is_dir() or mode & 0o111 else 0o644
        if mode != wanted:
            path.chmod(wanted)


def installed_kib(root: Path) -> int:
    return sum(-(-p.lstat().st_size // 1024) for p in root.rglob("*") if p.is_file() or p.is_symlink())


def build(bundle: Path, out: Path, arch: str | None = None, work: Path | None = None) -> Path:
    """Stage the bundle and pack it with dpkg-deb (xz, the compression every dpkg reads); the .deb's path."""
    if shutil.which("dpkg-deb") is None:
        raise PackagingError("dpkg-deb is missing: build the .deb on a Debian-family system (UOS, Kylin, Debian)")
    for program in (PACKAGE, f"{PACKAGE}-cli"):
        if not (bundle / program).is_file():
            raise PackagingError(f"{bundle / program} is missing: build the bundle first (packaging/build.sh)")
    needs = bundle_needs(bundle)
    if arch is not None and arch != needs.arch:
        raise PackagingError(
            f"the bundle is built for {needs.arch}, not {arch}: PyInstaller cannot cross-compile, so build the "
            f"bundle on an {arch} machine (or in an {arch} container) and package it there"
        )
    version = project_version()
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{PACKAGE}_{version}_{needs.arch}.deb"
    with tempfile.TemporaryDirectory(prefix="nianbao-deb-", dir=work) as name:
        root = Path(name) / "root"
        stage(bundle, root)
        _write(root / "DEBIAN" / "postinst", POSTINST, 0o755)
        _write(root / "DEBIAN" / "postrm", POSTRM, 0o755)
        _write(root / "DEBIAN" / "control", control(version, needs.arch, needs.depends, installed_kib(root)))
        command = ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise PackagingError(f"dpkg-deb failed:\n{done.stdout}{done.stderr}")
    print(f"{deb}: {deb.stat().st_size / 2**20:.1f} MiB, {needs.arch}, Depends: {', '.join(needs.depends)}")
    for soname, files in sorted(needs.optional.items()):
        print(f"  not depended on: {soname} (only for {', '.join(files[:2])}{' …' if len(files) > 2 else ''})")
    return deb


def default_arch() -> str | None:
    try:
        done = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the .deb from the PyInstaller one-folder bundle.")
    parser.add_argument("--bundle", type=Path, default=ROOT / "build" / "dist" / PACKAGE)
    parser.add_argument("--arch", help="amd64, arm64 …; the bundle's own (default: this machine's)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "deb")
    args = parser.parse_args(argv)
    try:
        build(args.bundle, args.out, args.arch or default_arch())
    except PackagingError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
