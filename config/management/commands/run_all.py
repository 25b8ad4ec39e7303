"""``manage.py run_all [адрес:порт]``: the development server and the task worker together, for `make run`.

Both are child processes; Ctrl-C (or either of them stopping) stops both, so nothing is left running behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Запускает сервер разработки и обработчик фоновых задач одной командой; Ctrl-C останавливает оба."

    def add_arguments(self, parser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="Адрес и порт сервера.")

    def handle(self, *args, addrport: str, **options) -> None:
        manage = [sys.executable, str(ROOT / "manage.py")]
        children = {
            "сервер": subprocess.Popen([*manage, "runserver", addrport]),  # noqa: S603 — our own manage.py
            "обработчик задач": subprocess.Popen([*manage, "run_worker"]),  # noqa: S603
        }
        self.stdout.write(f"Сервер: http://{addrport}/ · обработчик фоновых задач запущен. Ctrl-C — остановить оба.")
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                ended = [name for name, child in children.items() if child.poll() is not None]
                if ended:
                    self.stderr.write(f"Остановился {ended[0]}; останавливаю остальное.")
                    break
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            for child in children.values():
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
