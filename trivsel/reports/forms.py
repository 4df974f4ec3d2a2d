import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from trivsel.reports.overview import BEST, WORST, Sort

LEVELS = range(1, 9)
DEFAULT_LEVELS = 3
# "Område Nord (SO-N)", as the unit picker offers it, or just the code.
CODE_IN_NAME = re.compile(r"\(([^()]+)\)\s*$")


@dataclass(frozen=True)
class OverviewQuery:
    levels: int = DEFAULT_LEVELS
    unit: str = ""  # as typed or picked: a code or "name (code)"
    sort: Sort = field(default_factory=Sort)

    def codes(self) -> list[str]:
        """The codes the unit text may mean: the text itself, or the code in parentheses."""
        found = CODE_IN_NAME.search(self.unit)
        return [self.unit, found.group(1).strip()] if found else [self.unit]

    def as_query(self, code: str, sort: bool = True) -> str:
        """The URL query of this view (with the unit's code): for the export link, the
        sort links and the levels form."""
        values: dict[str, object] = {"levels": self.levels}
        if code:
            values["unit"] = code
        if sort and self.sort.key:
            values["sort"] = self.sort.key
            values["order"] = self.sort.order
        return urlencode(values)


class OverviewForm(forms.Form):
    """The heatmap's choices in the URL; anything invalid falls back to the default."""

    levels = forms.TypedChoiceField(choices=[(n, n) for n in LEVELS], coerce=int, required=False)
    unit = forms.CharField(required=False, max_length=300)
    sort = forms.CharField(required=False, max_length=64)
    order = forms.ChoiceField(choices=[(WORST, WORST), (BEST, BEST)], required=False)

    @classmethod
    def query(cls, data: QueryDict) -> OverviewQuery:
        form = cls(data)
        form.is_valid()
        cleaned = form.cleaned_data
        return OverviewQuery(
            levels=cleaned.get("levels") or DEFAULT_LEVELS,
            unit=(cleaned.get("unit") or "").strip(),
            sort=Sort(cleaned.get("sort") or "", cleaned.get("order") or WORST),
        )
