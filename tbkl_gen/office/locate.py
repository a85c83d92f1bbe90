"""Find LibreOffice, the Python that can drive it through UNO, and the fonts a notice asks for.

LibreOffice is looked for on PATH, then in the folders its installers use on Windows, Linux and
macOS. `TBKL_SOFFICE` names the binary outright; `TBKL_UNO_PYTHON` names the UNO Python (or
`none`, to use one `soffice --convert-to` start per batch instead of a warm LibreOffice).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tbkl_gen.errors import LibreOfficeMissing

from tbkl_gen.nd30.format import FONT


def _install_folders() -> list[Path]:
    """Return the folders LibreOffice's installers put soffice in, most usual first."""
    if sys.platform == "win32":
        roots = [os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        return [Path(root) / "LibreOffice" / "program" for root in roots if root]
    if sys.platform == "darwin":
        return [Path("/Applications/LibreOffice.app/Contents/MacOS")]
    folders = [Path("/usr/lib/libreoffice/program"), Path("/usr/local/lib/libreoffice/program"), Path("/snap/bin")]
    # The official Linux packages install into /opt/libreofficeX.Y; the newest first.
    folders += sorted(Path("/opt").glob("libreoffice*/program"), reverse=True)
    return folders


def find_soffice() -> Path | None:
    """Return the LibreOffice binary, or None when this machine has none."""
    named = os.environ.get("TBKL_SOFFICE")
    if named:
        return Path(named) if Path(named).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    executable = "soffice.exe" if sys.platform == "win32" else "soffice"
    for folder in _install_folders():
        if (folder / executable).is_file():
            return folder / executable
    return None


def require_soffice(what: str) -> Path:
    """Return the LibreOffice binary, or raise the Vietnamese message that says how to install it."""
    found = find_soffice()
    if found is None:
        raise LibreOfficeMissing(what)
    return found


def find_uno_python(soffice: Path) -> Path | None:
    """Return a Python that can `import uno` for this LibreOffice, or None.

    LibreOffice's own Python comes first (Windows, macOS and the official Linux builds ship one in
    the program folder); on Debian-like systems the system Python with python3-uno.
    """
    named = os.environ.get("TBKL_UNO_PYTHON")
    if named:
        return None if named.lower() == "none" else Path(named)
    program = soffice.resolve().parent
    candidates = [program / "python.exe", program / "python"] if sys.platform == "win32" else [program / "python"]
    if sys.platform == "darwin":
        candidates.append(program.parent / "Resources" / "python")
    if sys.platform != "win32":
        candidates.append(Path("/usr/bin/python3"))
    for candidate in candidates:
        if candidate.is_file() and _imports_uno(str(candidate)):
            return candidate
    return None


@functools.lru_cache(maxsize=None)
def _imports_uno(python: str) -> bool:
    try:
        completed = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return completed.returncode == 0


TIMES = FONT


def has_times_new_roman() -> bool:
    """Return whether Times New Roman is installed where LibreOffice will look for it."""
    if sys.platform == "win32":
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return (fonts / "times.ttf").is_file()
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            completed = subprocess.run([fc_list, f":family={TIMES}", "family"], capture_output=True, text=True, timeout=30)
            return bool(completed.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    folders = [Path.home() / ".fonts", Path.home() / ".local/share/fonts", Path("/usr/share/fonts"), Path("/Library/Fonts")]
    return any(next(folder.rglob("[Tt]imes*.ttf"), None) for folder in folders if folder.is_dir())


FONT_WARNING = (
    f"cảnh báo: máy này không có phông {FONT}; bản PDF dùng phông Liberation Serif thay thế "
    "(cùng độ rộng chữ nên dòng và trang không đổi, phông được nhúng vào PDF). "
    f"Cài {FONT} (Debian/Ubuntu: sudo apt install ttf-mscorefonts-installer) để bản PDF giống bản in trên Windows."
)
