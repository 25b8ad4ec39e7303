"""Printable documents: WeasyPrint renders an HTML template (extending templates/documents/base.html) to PDF.

Static files the template refers to ({% static %}) are read from disk, not fetched over HTTP from our own
server; nothing else is fetched at all, so a document can never make the server call out to the network.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from core.text import typograph_html

# WeasyPrint reports each rendering step at INFO (some while it is imported), and the root logger runs at INFO:
# keep the log for our own events.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML, Attachment  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402


class StaticFilesFetcher(URLFetcher):
    """Serve `STATIC_URL` paths from the static files on disk; refuse every other URL except data: URIs."""

    def fetch(self, url: str, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        found = static_file(url)
        if found is None:
            raise ValueError(f"documents may only use static files, not {url}")
        return super().fetch(found.as_uri(), headers)


def static_file(url: str) -> Path | None:
    """The file on disk behind a URL under STATIC_URL, or None."""
    path = unquote(urlsplit(url).path)
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    return collected if collected.is_file() else None


def pdf_bytes(
    template_name: str, context: dict, request: HttpRequest | None = None, *, base_url: str | None = None
) -> bytes:
    """Render the template with the context and return the PDF document."""
    html = typograph_html(render_to_string(template_name, context, request=request))
    if base_url is None:
        base_url = request.build_absolute_uri("/") if request is not None else "http://localhost/"
    return HTML(string=html, base_url=base_url, url_fetcher=StaticFilesFetcher()).write_pdf()


def archival_pdf_bytes(
    template_name: str, context: dict, *, attachments: list[tuple[str, bytes, str]] = (), base_url: str | None = None
) -> bytes:
    """The document as PDF/A-3b for the archive: fonts embedded, `attachments` — (file name, bytes, description),
    e.g. the source data as JSON — embedded as associated files («Source»), as PDF/A-3 allows."""
    html = render_to_string(template_name, context)
    files = [
        Attachment(file_obj=io.BytesIO(data), name=name, description=description)
        for name, data, description in attachments
    ]
    return HTML(string=html, base_url=base_url or "http://localhost/", url_fetcher=StaticFilesFetcher()).write_pdf(
        pdf_variant="pdf/a-3b",
        attachments=files,
        attachment_relationships=["Source"] * len(files),
    )


def render_pdf(request: HttpRequest, template_name: str, context: dict, filename: str) -> HttpResponse:
    """A PDF download: `filename` may be Cyrillic; it goes through content_disposition_header."""
    response = HttpResponse(pdf_bytes(template_name, context, request), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Documents carry personal data: no shared caches, no copies kept by the browser.
    response["Cache-Control"] = "private, no-store"
    return response
