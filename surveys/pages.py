"""Which page of the questionnaire holds what: the one place that says so.

The dimensions go two to a page in the instrument's order (1+2, 3+4, 5+6); with an odd
number of dimensions the last dimension page holds one. After them comes the profile page.
Pages are numbered from 1; the number is the page's step in the URL (`/s/<code>/<step>`)
and in "Stap N van M". No Flask here: the rule is tested on its own (tests/test_pages.py).
"""

from dataclasses import dataclass

from .instrument import Dimension, Instrument

DIMENSIONS_PER_PAGE = 2


@dataclass(frozen=True)
class Page:
    number: int  # 1-based: the step
    dimensions: tuple[Dimension, ...]  # empty on the profile page

    @property
    def is_profile(self) -> bool:
        return not self.dimensions


def group_dimensions(dimensions: tuple[Dimension, ...], per_page: int = DIMENSIONS_PER_PAGE) -> tuple[tuple, ...]:
    """The dimensions in their order, `per_page` to a page; the last page may hold fewer."""
    return tuple(tuple(dimensions[start : start + per_page]) for start in range(0, len(dimensions), per_page))


_PAGES: dict[int, tuple[Instrument, tuple[Page, ...]]] = {}


def pages(instrument: Instrument) -> tuple[Page, ...]:
    """The instrument's pages: the dimension pages, then the profile page (cached per
    instrument object, like the form classes)."""
    hit = _PAGES.get(instrument.version)
    if hit is None or hit[0] is not instrument:
        groups = group_dimensions(instrument.dimensions)
        built = tuple(Page(number, group) for number, group in enumerate(groups, start=1))
        hit = _PAGES[instrument.version] = (instrument, (*built, Page(len(built) + 1, ())))
    return hit[1]


def page_of(instrument: Instrument, dimension_key: str) -> Page:
    """The page that holds a dimension."""
    return next(page for page in pages(instrument) if any(d.key == dimension_key for d in page.dimensions))
