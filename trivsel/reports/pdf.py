"""PDF from the report's own HTML and SVG (WeasyPrint on Debian's Pango), so the page and the
PDF show the same content and the same charts. Nothing is fetched over the network: the
print styles are in the template and the charts are inline SVG."""

from typing import Any


def unit_report_pdf(html: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the report refers to {url}; it must be self-contained")

    result: bytes = HTML(string=html, url_fetcher=no_fetching).write_pdf()
    return result
