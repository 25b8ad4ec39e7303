"""The system libraries the product needs, checked before anything imports them (`make run`, `make deploy-check`).

Run with any Python 3 — it imports nothing beyond the standard library, so it works before the virtual environment
exists: ``python3 config/system_packages.py``. Without Pango, WeasyPrint (every PDF: orders, programmes, reports)
fails at import with a long traceback about ``cannot load library``; this says instead, in Russian, which Debian
packages to install. Exit status 1 when something required is missing, 0 otherwise (fonts are advice only: the
documents use the Liberation fonts shipped in static/fonts/).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Library:
    what: str  # what needs it, in Russian
    names: tuple[str, ...]  # the shared objects WeasyPrint (cffi) opens, any of them
    package: str  # the Debian / Ubuntu package


REQUIRED = (
    Library("Pango — набор текста в PDF (WeasyPrint)", ("libpango-1.0.so.0", "libpango-1.0.so"), "libpango-1.0-0"),
    Library("PangoFT2 — шрифты в PDF", ("libpangoft2-1.0.so.0", "libpangoft2-1.0.so"), "libpangoft2-1.0-0"),
    Library("HarfBuzz — начертание букв в PDF", ("libharfbuzz.so.0", "libharfbuzz.so"), "libharfbuzz0b"),
    Library("Fontconfig — поиск шрифтов", ("libfontconfig.so.1", "libfontconfig.so"), "libfontconfig1"),
)
FONTS_PACKAGE = "fonts-dejavu-core"


def loads(names: tuple[str, ...]) -> bool:
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def system_fonts() -> int:
    """How many fonts fontconfig knows (0 without fc-list)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return 0
    result = subprocess.run([fc_list], capture_output=True, text=True, check=False)  # noqa: S603 — fixed path
    return len([line for line in result.stdout.splitlines() if line.strip()])


def problems(load: Callable[[tuple[str, ...]], bool] = loads) -> list[Library]:
    return [library for library in REQUIRED if not load(library.names)]


def report(missing: list[Library], fonts: int) -> str:
    lines = []
    if missing:
        lines.append("Не хватает системных библиотек — без них не собрать ни одного PDF:")
        lines += [f"  • {library.what}: пакет {library.package}" for library in missing]
        packages = " ".join(dict.fromkeys([*(library.package for library in missing), FONTS_PACKAGE]))
        lines.append(f"Установите их (Debian / Ubuntu):\n  sudo apt-get install {packages}")
        lines.append("и запустите команду снова. Полный список пакетов — README, «Быстрый старт».")
    if not fonts:
        lines.append(
            f"Совет: в системе нет шрифтов (fc-list пуст) — документы наберутся шрифтами из static/fonts/, но "
            f"для остального поставьте пакет {FONTS_PACKAGE}."
        )
    return "\n".join(lines)


def main() -> int:
    missing = problems()
    text = report(missing, system_fonts())
    if text:
        print(text, file=sys.stderr if missing else sys.stdout)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
