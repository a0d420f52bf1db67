#!/usr/bin/env bash
# Linux packages from the PyInstaller folder (`make bundle` builds dist/dropin-desk/ first):
#   dist/dropin-desk-<version>-linux-x86_64.tar.gz  the folder + .desktop file + icon
#   dist/dropin-desk_<version>_amd64.deb            /opt/dropin-desk, /usr/bin/dropin-desk,
#                                                   menu entry and icon (dpkg-deb --build)
# Prints the folder size, the tar.gz size and the .deb size at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"
DIST="${DIST:-dist}"
BUNDLE="$DIST/dropin-desk"
VERSION="$("$PY" -c 'import desktop; print(desktop.__version__)')"
ARCH_DEB=amd64
# The bundle needs a glibc at least as new as the build machine's.
GLIBC="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"
NAME="dropin-desk-$VERSION-linux-x86_64"

test -x "$BUNDLE/dropin-desk" || { echo "no $BUNDLE/dropin-desk: run make bundle first" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- tar.gz: dropin-desk-<version>-linux-x86_64/{dropin-desk/, dropin-desk.desktop, icon.png}
mkdir -p "$work/$NAME"
cp -a "$BUNDLE" "$work/$NAME/dropin-desk"
cp installers/icon.png "$work/$NAME/dropin-desk.png"
# The menu entry in the tarball runs the program from wherever the folder is unpacked:
# see installers/README.md ("Linux tar.gz") for the one line that installs it.
sed -e 's|^Exec=.*|Exec=dropin-desk|' installers/dropin-desk.desktop >"$work/$NAME/dropin-desk.desktop"
cat >"$work/$NAME/README.txt" <<TXT
Drop-in Desk $VERSION for Linux (x86_64). No Python or internet needed.
Run:   ./dropin-desk/dropin-desk
Check: ./dropin-desk/dropin-desk --self-test
Menu entry: edit Exec= and Icon= in dropin-desk.desktop to this folder's full path, then
copy it to ~/.local/share/applications/.
TXT
tar -C "$work" -czf "$DIST/$NAME.tar.gz" "$NAME"

# --- .deb (Debian/Ubuntu tool; skipped where dpkg-deb is not installed)
if ! command -v dpkg-deb >/dev/null; then
  echo "dpkg-deb not found: no .deb made"
  echo "bundle folder: $(du -sh "$BUNDLE" | cut -f1)"
  echo "tar.gz:        $(du -h "$DIST/$NAME.tar.gz" | cut -f1)  $DIST/$NAME.tar.gz"
  exit 0
fi
root="$work/deb"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$root/opt/dropin-desk"
ln -s /opt/dropin-desk/dropin-desk "$root/usr/bin/dropin-desk"
cp installers/dropin-desk.desktop "$root/usr/share/applications/dropin-desk.desktop"
cp installers/icon.png "$root/usr/share/icons/hicolor/256x256/apps/dropin-desk.png"
cp installers/icon.svg "$root/usr/share/icons/hicolor/scalable/apps/dropin-desk.svg"
size_kb="$(du -sk "$root" | cut -f1)"
cat >"$root/DEBIAN/control" <<CTL
Package: dropin-desk
Version: $VERSION
Architecture: $ARCH_DEB
Maintainer: Drop-in Desk <desk@example.org>
Installed-Size: $size_kb
Depends: libc6 (>= $GLIBC), libcups2, libgl1, libegl1, libxkbcommon0, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0
Recommends: libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0
Section: misc
Priority: optional
Description: Offline tool for UK immigration advice drop-in sessions
 Drop-in Desk keeps client histories in an encrypted store on this computer
 and checks residence, deadlines and fee-waiver evidence. Nothing goes online.
 The data folder (~/.local/share/DropInDesk) is left alone on removal.
CTL
chmod -R u+rwX,go+rX,go-w "$root"
dpkg-deb --root-owner-group --build "$root" "$DIST/dropin-desk_${VERSION}_${ARCH_DEB}.deb" >/dev/null

echo "bundle folder: $(du -sh "$BUNDLE" | cut -f1)  ($(du -sb "$BUNDLE" | cut -f1) bytes unpacked)"
echo "tar.gz:        $(du -h "$DIST/$NAME.tar.gz" | cut -f1)  $DIST/$NAME.tar.gz"
echo ".deb:          $(du -h "$DIST/dropin-desk_${VERSION}_${ARCH_DEB}.deb" | cut -f1)  $DIST/dropin-desk_${VERSION}_${ARCH_DEB}.deb"
