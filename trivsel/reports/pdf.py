"""PDF from the report's own HTML and SVG (WeasyPrint on Debian's Pango), so the page and the
PDF show the same content and the same charts. Nothing is fetched over the network: the
print styles are in the template and the charts are inline SVG."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """WeasyPrint makes hundreds of thousands of short-lived objects; in a process that
    holds much else (a web worker, the bulk job), the cyclic collector's repeated passes
    over the whole heap took about a fifth of the time. Reference counting still frees
    nearly everything; the cycles left are collected as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def unit_report_pdf(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the report refers to {url}; it must be self-contained")

    with _without_cyclic_gc():
        result: bytes = HTML(string=html, url_fetcher=no_fetching).write_pdf()
    return result
