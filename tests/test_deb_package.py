"""packaging/build_deb.py: the .deb for 统信UOS / 银河麒麟, built here from a stand-in bundle (two copies of a real
executable) and taken apart with dpkg-deb. The real bundle's install, run and removal are in .ci/run
(packaging/deb_smoke.sh)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTABLE = Path("/bin/true")

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or not EXECUTABLE.is_file(), reason="needs dpkg-deb (a Debian-family system)"
)


@pytest.fixture(scope="module")
def build_deb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_deb", ROOT / "packaging" / "build_deb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package(build_deb: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The .deb of a stand-in bundle, and where it is unpacked."""
    bundle = tmp_path_factory.mktemp("dist") / "nianbao"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    for name in ("nianbao", "nianbao-cli"):
        shutil.copy(EXECUTABLE, bundle / name)
    (bundle / "_internal" / "resources" / "data.json").write_text("{}", encoding="utf-8")
    (bundle / "_internal" / "resources" / "data.json").chmod(0o666)  # what dpkg installs is writable by root alone
    deb = build_deb.build(bundle, tmp_path_factory.mktemp("deb"))
    unpacked = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-R", str(deb), str(unpacked)], check=True)
    return deb, unpacked


def _field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True).stdout.strip()


def test_the_control_file_names_the_version_the_bundles_architecture_and_its_glibc(
    package: tuple[Path, Path], build_deb: ModuleType
) -> None:
    deb, _ = package
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    arch = build_deb.ELF_MACHINES[build_deb.read_elf(EXECUTABLE).machine]
    assert deb.name == f"nianbao_{version}_{arch}.deb"
    assert (_field(deb, "Package"), _field(deb, "Version"), _field(deb, "Architecture")) == ("nianbao", version, arch)
    depends = _field(deb, "Depends")
    assert depends.startswith("libc6 (>= 2.")  # the newest GLIBC_x.y symbol the executable needs
    glibc = max(build_deb.read_elf(EXECUTABLE).glibc)
    assert depends.split(")")[0] == f"libc6 (>= {'.'.join(map(str, glibc))}"
    assert "年报" in _field(deb, "Description")


def test_the_program_lies_under_opt_with_launchers_a_chinese_menu_entry_and_icons(package: tuple[Path, Path]) -> None:
    deb, root = package
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        mode, owner = line.split()[:2]
        assert owner == "root/root", line
        assert mode[5] != "w" and mode[8] != "w", f"writable by others: {line}"
    for path in ("opt/nianbao/nianbao", "opt/nianbao/nianbao-cli", "usr/bin/nianbao", "usr/bin/nianbao-cli"):
        assert os.access(root / path, os.X_OK), path
    launcher = (root / "usr/bin/nianbao").read_text(encoding="utf-8")
    assert launcher.startswith("#!/bin/sh") and 'exec /opt/nianbao/nianbao "$@"' in launcher
    entry = (root / "usr/share/applications/nianbao.desktop").read_text(encoding="utf-8").splitlines()
    for line in ("[Desktop Entry]", "Type=Application", "Name[zh_CN]=年报", "Exec=nianbao", "Icon=nianbao"):
        assert line in entry
    assert "Categories=Office;" in entry and any(line.startswith("Comment[zh_CN]=") for line in entry)
    from PIL import Image

    for size in (48, 64, 128, 256):
        with Image.open(root / f"usr/share/icons/hicolor/{size}x{size}/apps/nianbao.png") as icon:
            assert icon.size == (size, size)
    assert not [p for p in root.rglob("*") if "home" in p.parts or ".local" in p.parts]


def test_the_maintainer_scripts_never_fail_and_never_touch_the_users_data(
    package: tuple[Path, Path], tmp_path: Path
) -> None:
    _, root = package
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("update-desktop-database", "gtk-update-icon-cache"):  # present, and failing
        tool = tools / name
        tool.write_text('#!/bin/sh\necho called >> "$CALLS"\nexit 3\n', encoding="utf-8")
        tool.chmod(0o755)
    calls = tmp_path / "calls"
    for script, argument in (("postinst", "configure"), ("postrm", "remove"), ("postrm", "purge")):
        text = (root / "DEBIAN" / script).read_text(encoding="utf-8")
        assert "$HOME" not in text and ".local" not in text
        assert stat.S_IMODE((root / "DEBIAN" / script).stat().st_mode) == 0o755
        for path in (f"{tools}:/usr/bin:/bin", "/nonexistent"):  # with the tools, and with none at all
            done = subprocess.run(
                ["/bin/sh", str(root / "DEBIAN" / script), argument],
                env={"PATH": path, "CALLS": str(calls)},
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, done.stderr
    assert calls.read_text(encoding="utf-8").count("called") == 6


def test_an_other_architectures_bundle_is_refused_with_the_reason(build_deb: ModuleType, tmp_path: Path) -> None:
    bundle = tmp_path / "nianbao"
    bundle.mkdir()
    for name in ("nianbao", "nianbao-cli"):
        shutil.copy(EXECUTABLE, bundle / name)
    other = "arm64" if build_deb.read_elf(EXECUTABLE).machine != 183 else "amd64"
    with pytest.raises(build_deb.PackagingError, match="cannot cross-compile"):
        build_deb.build(bundle, tmp_path / "out", other)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
