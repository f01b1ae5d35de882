#!/bin/sh
# Register Case Workbench with the desktop: menu entry, AppStream metadata, the .case file type
# and its icons, so the file manager opens case files with the app. For one user by default
# ($XDG_DATA_HOME, ~/.local/share), or system-wide with PREFIX=/usr/local (as root).
#
#   ./install-desktop.sh               from an unpacked bundle: registers ./workbench
#   ./install-desktop.sh /path/to/workbench    e.g. the `workbench` a pip install put on PATH
#   ./install-desktop.sh --uninstall
set -eu
APP_ID=org.caseworkbench.CaseWorkbench
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${PREFIX:-}" ]; then data="$PREFIX/share"; else data="${XDG_DATA_HOME:-$HOME/.local/share}"; fi
# Files come from the bundle's share/ folder, or from packaging/ and resources/ in a source checkout.
if [ -d "$here/share/applications" ]; then
    desktop="$here/share/applications/$APP_ID.desktop"
    metainfo="$here/share/metainfo/$APP_ID.metainfo.xml"
    mime="$here/share/mime/packages/$APP_ID.xml"
    icons="$here/share/icons/hicolor"
else
    desktop="$here/$APP_ID.desktop"
    metainfo="$here/$APP_ID.metainfo.xml"
    mime="$here/$APP_ID.mime.xml"
    icons="$here/../resources/icons/hicolor"
fi

refresh() {
    command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$data/mime" || true
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t -f "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$data/applications/$APP_ID.desktop" "$data/metainfo/$APP_ID.metainfo.xml" \
        "$data/mime/packages/$APP_ID.xml"
    find "$data/icons/hicolor" \( -name "$APP_ID.*" -o -name "application-x-case-workbench.*" \) \
        -delete 2>/dev/null || true
    refresh
    echo "Case Workbench removed from $data."
    exit 0
fi

program="${1:-}"
if [ -z "$program" ]; then
    if [ -x "$here/workbench" ]; then program="$here/workbench"; else program=$(command -v workbench || true); fi
fi
if [ -z "$program" ] || [ ! -x "$program" ]; then
    echo "install-desktop.sh: no workbench program found; give its path as the first argument." >&2
    exit 1
fi

mkdir -p "$data/applications" "$data/metainfo" "$data/mime/packages" "$data/icons"
# Exec and TryExec name the program by its absolute path: a bundle is not on PATH.
quoted=$(printf '%s' "$program" | sed 's/[\\"]/\\&/g; s/[$`]/\\&/g')
sed -e "s|^Exec=.*|Exec=\"$quoted\" %f|" -e "s|^TryExec=.*|TryExec=$program|" "$desktop" \
    > "$data/applications/$APP_ID.desktop"
cp "$metainfo" "$data/metainfo/$APP_ID.metainfo.xml"
cp "$mime" "$data/mime/packages/$APP_ID.xml"
cp -R "$icons" "$data/icons/"
refresh
echo "Case Workbench ($program) registered in $data: menu entry, .case file type and icons."
