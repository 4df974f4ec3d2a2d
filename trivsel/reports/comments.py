"""The comments of a unit report on the page: searched (case-insensitive, anywhere in the
text) and paged, so every comment can be read without the Excel file. Only ever the list
`unit_report` returns, which is empty (None) where the anonymity rules hide it."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict

COMMENTS_PER_PAGE = 50
QUERY_LENGTH = 200  # longer searches are cut; no comment is found by a novel


@dataclass(frozen=True)
class CommentPage:
    query: str  # what was searched for ("" for everything)
    total: int  # every comment shown for the unit
    page: Page[str]  # the matching comments on this page; page.paginator.count: how many match

    @property
    def matching(self) -> int:
        return int(self.page.paginator.count)


def comment_page(comments: list[str] | None, params: QueryDict) -> CommentPage | None:
    """The page `comments_page` of the comments that contain `q`; None where the comments
    are not shown."""
    if comments is None:
        return None
    query = params.get("q", "").strip()[:QUERY_LENGTH]
    needle = query.casefold()
    found = [text for text in comments if needle in text.casefold()] if needle else comments
    page = Paginator(found, COMMENTS_PER_PAGE).get_page(params.get("comments_page"))
    return CommentPage(query, len(comments), page)
