"""Site-wide middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
