"""Why a figure is not shown, from the stored results: fewer than k answered, hidden to
protect a smaller group (naming, where there is one, the shown unit that holds nearly the
same people), or the results have not been built yet. Reports say the true reason."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Build
from trivsel.results.read import build_of, protected

TOO_FEW, PROTECTS, NOT_BUILT = "too_few", "protects", "not_built"
Key = tuple[int | None, str, str]  # unit id (None: the organisation), kind, metric


@dataclass(frozen=True)
class Why:
    reason: str  # TOO_FEW, PROTECTS or NOT_BUILT
    k: int  # the smallest group this figure may be shown for
    partner: Unit | None = None  # a shown unit with all but fewer than k of the same people

    @property
    def too_few(self) -> bool:
        return self.reason == TOO_FEW

    @property
    def protects(self) -> bool:
        return self.reason == PROTECTS

    @property
    def not_built(self) -> bool:
        return self.reason == NOT_BUILT

    @property
    def text(self) -> str:
        """The reason in a few words, for a table cell."""
        return short_text(self)

    @property
    def cell(self) -> str:
        """The reason in one or two words, for a narrow table cell."""
        if self.not_built:
            return _("not built yet")
        if self.protects:
            return _("hidden")  # the table's note says why
        return _("fewer than %(k)s") % {"k": self.k}

    @property
    def explanation(self) -> str:
        """Why a unit's results are not shown, without the partner unit (which the page
        names with a link)."""
        return _explanation(self)


@dataclass(frozen=True)
class Reasons:
    """The hidden figures of some units of one measurement, and its build (two queries)."""

    build: Build | None
    protected: dict[Key, Unit | None]

    @classmethod
    def load(cls, measurement: Measurement, units: Iterable[Unit | int] | None = None) -> "Reasons":
        return cls(build_of(measurement), protected(measurement, units))

    @property
    def built(self) -> bool:
        return self.build is not None and self.build.built

    def why(self, unit_id: int | None, kind: str, metric: str, k: int) -> Why:
        """The reason for a figure that has no stored result."""
        if not self.built:
            return Why(NOT_BUILT, k)
        key = (unit_id, kind, metric)
        if key in self.protected:
            return Why(PROTECTS, k, self.protected[key])
        return Why(TOO_FEW, k)


def short_text(why: Why) -> str:
    """The reason in a few words, for a table cell."""
    if why.not_built:
        return _("Not built yet")
    if why.protects:
        return _("Not shown, to protect a group of fewer than %(k)s") % {"k": why.k}
    return _("Not shown: fewer than %(k)s answered") % {"k": why.k}


def unit_text(why: Why) -> str:
    """Why a unit's results are not shown, in full, naming the partner unit (no link)."""
    text = _explanation(why)
    if why.protects and why.partner is not None:
        text += " " + _(
            "%(name)s holds nearly the same people (the difference is fewer than %(k)s), "
            "and its report shows the results."
        ) % {"name": why.partner.name, "k": why.k}
    return text


def _explanation(why: Why) -> str:
    if why.not_built:
        return _(
            "The results have not been built yet. They are built automatically when the "
            "measurement closes; try again in a little while."
        )
    if why.protects:
        return _(
            "Results are not shown for this unit although at least %(k)s answered: together "
            "with the figures shown for other units, they would let someone work out the "
            "answers of a group of fewer than %(k)s people. The answers count in the results "
            "of the unit above."
        ) % {"k": why.k}
    return _(
        "Results cannot be shown for this unit: fewer than %(k)s answered. The answers count "
        "in the results of the unit above."
    ) % {"k": why.k}
