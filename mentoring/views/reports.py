"""Reports on screen with charts, their XLSX/CSV exports, the statistics form and the final analytic report PDF."""

urlpatterns: list = []
