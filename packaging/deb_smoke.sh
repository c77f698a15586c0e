#!/usr/bin/env bash
# The .deb's whole cycle on this machine, as a clerk's PC would go through it (.ci/run runs it):
#   packaging/deb_smoke.sh build/deb/nianbao_VERSION_ARCH.deb
# 1. dpkg -i (the missing Depends from the distribution's archive, as `apt-get install -f` fetches them);
# 2. as an ordinary user (nobody, with a fresh home) the installed CLI checks the sample, prints its PDF and OFD,
#    imports it into the user's own database, and the window opens offscreen with the sample (the smoke hook of
#    ui/app.py); nothing may have been written under /opt/nianbao;
# 3. dpkg -r: /opt/nianbao, the launchers and the menu entry are gone, the user's data folder is still there;
#    dpkg -P (purge) leaves it too and the package off dpkg's list.
# Without root (and no password-less sudo) the package is unpacked with dpkg -x instead and steps 1 and 3 are
# skipped, which the output says.
set -euo pipefail
deb=$(realpath "$1")
cd "$(dirname "$0")/.."
sample="$PWD/resources/samples/guiyang-rfb-2020.json"
agency="贵阳市人民防空办公室"
say() { printf '%s\n' "$*"; }
fail() { say "DEB SMOKE TEST FAILED: $*" >&2; exit 1; }

say "package $(basename "$deb"): $(du -m "$deb" | cut -f1) MiB ($(stat -c %s "$deb") bytes)"
work=$(mktemp -d /tmp/nianbao-deb-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
home="$work/home"
mkdir -p "$home"

if [ "$(id -u)" = 0 ]; then
  root=(); installed=1
elif sudo -n true 2>/dev/null; then
  root=(sudo -n); installed=1
else
  installed=0
fi

if [ "$installed" = 1 ]; then
  opt=/opt/nianbao
  bin=/usr/bin
  if ! "${root[@]}" dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
    # dpkg does not fetch Depends; apt-get does, from the distribution's archive
    say "dpkg -i: dependencies missing, installing them with apt-get install -f"
    "${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >>"$work/dpkg.log" 2>&1 \
      || { "${root[@]}" apt-get update -qq && "${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq; } \
      >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "the package did not install"; }
  fi
  [ "$(dpkg-query -W -f '${Status}' nianbao)" = "install ok installed" ] || fail "dpkg does not list nianbao as installed"
  say "dpkg -i: installed $(dpkg-query -W -f '${Version} ${Architecture}' nianbao) in $opt"
  for f in "$opt/nianbao" "$opt/nianbao-cli" /usr/bin/nianbao /usr/bin/nianbao-cli \
    /usr/share/applications/nianbao.desktop /usr/share/icons/hicolor/256x256/apps/nianbao.png; do
    [ -e "$f" ] || fail "$f is not installed"
  done
  grep -qx 'Name\[zh_CN\]=年报' /usr/share/applications/nianbao.desktop || fail "the menu entry has no Chinese name"
  if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate /usr/share/applications/nianbao.desktop || fail "desktop-file-validate refused the menu entry"
  fi
  # as an ordinary user, who cannot write under /opt: the app must not need to
  chown nobody "$home" 2>/dev/null || chmod 0777 "$home"
  chmod 0755 "$work"
  as_user=(); [ "$(id -u)" = 0 ] && as_user=(runuser -u nobody --)
else
  say "no root and no password-less sudo: unpacking with dpkg -x into $work/root instead of installing"
  dpkg -x "$deb" "$work/root"
  opt="$work/root/opt/nianbao"
  bin="$opt"
  as_user=()
fi

# every library the program and Qt's xcb window need is found (in the bundle or the Depends)
for f in "$opt/nianbao" "$opt/_internal/libpython3"*.so* "$opt/_internal/PySide6/Qt/plugins/platforms/libqxcb.so" \
  "$opt/_internal/PySide6/Qt/lib/libQt6Widgets.so.6"; do
  if LD_LIBRARY_PATH="$opt/_internal:$opt/_internal/PySide6/Qt/lib" ldd "$f" | grep -q "not found"; then
    LD_LIBRARY_PATH="$opt/_internal" ldd "$f" | grep "not found" >&2
    fail "$f: a library is missing"
  fi
done
before=$(find "$opt" | sort | md5sum)

user() { "${as_user[@]}" env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
cp "$sample" "$home/sample.json"
chmod 0644 "$home/sample.json"

out=$(user "$bin/nianbao-cli" check "$home/sample.json" --json) || fail "nianbao-cli check: exit $?"
case "$out" in *SIGN_DATE*) ;; *) fail "nianbao-cli check: no SIGN_DATE finding in $out" ;; esac
say "nianbao-cli check sample.json: exit 0, the sample's one finding (SIGN_DATE)"
user "$bin/nianbao-cli" pdf "$home/sample.json" -o "$home/sample.pdf" >/dev/null || fail "nianbao-cli pdf"
say "nianbao-cli pdf: $(stat -c %s "$home/sample.pdf") bytes"
user "$bin/nianbao-cli" import "$home/sample.json" >/dev/null || fail "nianbao-cli import into the user's database"
data="$home/.local/share/Nianbao"
[ -f "$data/nianbao.sqlite3" ] || fail "the database is not in the user's data folder $data"
say "nianbao-cli import: the sample is in $data/nianbao.sqlite3"
user "$bin/nianbao-cli" export "$agency" 2020 -o "$home/sample.ofd" >/dev/null || fail "nianbao-cli export … -o sample.ofd"
say "nianbao-cli export … -o sample.ofd: $(stat -c %s "$home/sample.ofd") bytes"

gui=$(user QT_QPA_PLATFORM=offscreen NIANBAO_SMOKE_EXIT_MS=1500 NIANBAO_SMOKE_OPEN_SAMPLE=1 "$bin/nianbao" 2>&1) \
  || { say "$gui"; fail "the window exited with an error"; }
for line in "window shown" "sample opened"; do
  grep -qx "$line" <<<"$gui" || { say "$gui"; fail "the window did not say '$line'"; }
done
say "nianbao (offscreen): window shown, sample opened, exit 0"
[ "$(find "$opt" | sort | md5sum)" = "$before" ] || fail "the program wrote under $opt"
say "nothing written under $opt; the user's data: $(ls "$data" | tr '\n' ' ')"

if [ "$installed" = 1 ]; then
  "${root[@]}" dpkg -r nianbao >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -r"; }
  for f in /opt/nianbao /usr/bin/nianbao /usr/bin/nianbao-cli /usr/share/applications/nianbao.desktop; do
    [ ! -e "$f" ] || fail "$f is still there after dpkg -r"
  done
  [ -f "$data/nianbao.sqlite3" ] || fail "dpkg -r took the user's data"
  say "dpkg -r: /opt/nianbao and the launchers are gone; the user's database is kept ($data/nianbao.sqlite3)"
  "${root[@]}" dpkg -P nianbao >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -P"; }
  [ -f "$data/nianbao.sqlite3" ] || fail "dpkg -P took the user's data"
  dpkg-query -W nianbao >/dev/null 2>&1 && fail "dpkg still lists nianbao after dpkg -P"
  say "dpkg -P: the package is gone from dpkg's list; the user's data is still kept"
else
  say "not installed, so not removed (no root)"
fi
say "deb smoke test passed"
