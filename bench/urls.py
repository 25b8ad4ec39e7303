"""The project's URLs plus the bare floor page of `make bench` (bench/run.py); used only by the benchmark."""

from django.urls import path

from bench.floor import floor_view
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("bench-floor/<int:number>/", floor_view, name="bench_floor")]
