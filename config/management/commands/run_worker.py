"""``manage.py run_worker``: the task worker (django-tasks-db's db_worker) and the timetable of daily and weekly
jobs (config/schedules.py) in one process. Run as many as the load needs; a schedule's run happens once however
many there are. On start and twice a minute it also puts back in the queue the jobs of a worker that died
mid-task (people.jobs.recover_lost).
"""

from __future__ import annotations

import contextlib
import logging
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker, valid_interval

from config import schedules
from people import jobs

log = logging.getLogger(__name__)


def timetable_loop(every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            jobs.recover_lost()
            schedules.tick()
        except Exception:  # a database outage must not stop the worker: try again at the next turn
            log.exception("Расписание фоновых задач: ошибка, повтор через %s с", every)
        finally:
            connections.close_all()
        stop.wait(every)


class Command(BaseCommand):
    help = "Обработчик фоновых задач и расписание ежедневных и еженедельных задач (без cron)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=valid_interval, default=1.0, help="Пауза между проверками очереди, с.")
        parser.add_argument("--tick", type=float, default=30.0, help="Как часто смотреть в расписание, с.")
        parser.add_argument("--worker-id", default="", help="Имя обработчика в записях задач.")
        parser.add_argument("--no-schedule", action="store_true", help="Только выполнять задачи, без расписания.")
        parser.add_argument(
            "--schedule-only",
            action="store_true",
            help="Только расписание: ставить задачи в очередь по часам (выполняет их, например, RQ).",
        )

    def handle(self, *args, interval: float, tick: float, worker_id: str, no_schedule: bool, **options) -> None:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        stop = threading.Event()
        if options["schedule_only"]:
            with contextlib.suppress(KeyboardInterrupt):
                timetable_loop(tick, stop)
            return
        if not no_schedule:
            threading.Thread(target=timetable_loop, args=(tick, stop), daemon=True, name="timetable").start()
        worker = Worker(
            queue_names=["default"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or f"worker-{threading.get_native_id()}",
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
