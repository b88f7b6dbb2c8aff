"""Site-wide middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def head_without_body(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """An answer to HEAD carries the headers of GET and no body (RFC 9110 9.3.2).

    Django's views answer HEAD as GET and leave it to the server to drop the body; gunicorn
    does, with a warning in the log for every HEAD. Outermost, so that the Content-Length
    set further in is GET's.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                response.content = b""
        return response

    return middleware


def bounded_body(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """No request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is read, whatever its
    encoding; none is read at all in an encoding no page of ours takes.

    Django counts only the text fields of a form against that limit: file parts of a
    multipart body are read in full, into memory or a temporary file. No page here takes a
    file, so multipart is refused, and so is a chunked body (its size is not known before
    it is read; browsers never send one). The proxy (deploy/) caps bodies too; this holds
    without it.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        meta = request.META
        if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower():
            return render(request, "400_body.html", status=400)
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return render(request, "400_body.html", status=400)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return render(request, "413.html", status=413)
        if meta.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            return render(request, "400_body.html", status=400)
        return get_response(request)

    return middleware
