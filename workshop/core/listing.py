"""Lists that can be filtered, sorted, paged and exported, all from one description.

A view describes its columns and filters once; `Listing` reads the request's arguments, runs
one query for the page (plus one count), and the same description drives the CSV and Excel
exports and the `list_table` template macro.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, request, url_for
from sqlalchemy import Select, func, or_, select

from ..extensions import db
from .exports import csv_response, xlsx_response


@dataclass
class Column:
    """A column of a list: how to show it, sort by it and export it."""

    key: str
    label: str
    value: Callable[[Any], Any]
    sort: Any = None  # a SQL expression, or None when the column cannot be sorted
    link: Callable[[Any], str | None] | None = None
    badge: Callable[[Any], str | None] | None = None  # Bootstrap colour for a badge
    export: bool = True
    numeric: bool = False  # figures are right-aligned
    nowrap: bool = False  # short codes that must not break across lines


@dataclass
class Filter:
    """A filter of a list: a select of choices or free text, and how it narrows the query."""

    key: str
    label: str
    apply: Callable[[Select, str], Select]
    choices: list[tuple[str, str]] | None = None  # None means free text

    @property
    def is_text(self) -> bool:
        return self.choices is None


@dataclass
class Listing:
    """A filtered, sorted, paged view of a query, with its exports."""

    query: Select
    columns: list[Column]
    filters: list[Filter] = field(default_factory=list)
    search: list[Any] = field(default_factory=list)  # columns searched by the `q` box
    default_sort: str = ""
    export_name: str = "list"
    page_size: int = 25
    endpoint: str | None = None
    view_args: dict = field(default_factory=dict)
    scalars: bool = True  # False when the query selects several columns (a record and figures)

    def __post_init__(self):
        args = request.args
        self.endpoint = self.endpoint or request.endpoint
        self.view_args = self.view_args or dict(request.view_args or {})
        self.q = args.get("q", "").strip()[:200]
        self.values = {}
        for flt in self.filters:
            value = args.get(flt.key, "").strip()[:200]
            if flt.choices is not None and value not in {c[0] for c in flt.choices}:
                value = ""
            self.values[flt.key] = value
        sortable = {c.key for c in self.columns if c.sort is not None}
        sort = args.get("sort", self.default_sort)
        if sort.lstrip("-") not in sortable:
            sort = self.default_sort
        self.sort = sort
        try:
            self.page = max(1, int(args.get("page", 1)))
        except ValueError:
            self.page = 1

    # -- query ----------------------------------------------------------------------------
    def filtered(self) -> Select:
        """The query with the search box and filters applied, unsorted."""
        query = self.query
        if self.q and self.search:
            pattern = f"%{self.q}%"
            query = query.where(or_(*(col.ilike(pattern) for col in self.search)))
        for flt in self.filters:
            if self.values[flt.key]:
                query = flt.apply(query, self.values[flt.key])
        return query

    def sorted(self) -> Select:
        """The filtered query in the requested order."""
        query = self.filtered()
        if self.sort:
            column = next(c for c in self.columns if c.key == self.sort.lstrip("-"))
            expr = column.sort
            query = query.order_by(None).order_by(
                expr.desc() if self.sort.startswith("-") else expr.asc()
            )
        return query

    def _run(self, query: Select):
        result = db.session.execute(query)
        return result.scalars().all() if self.scalars else result.all()

    @property
    def pagination(self) -> "Page":
        if not hasattr(self, "_pagination"):
            total = self.count()
            pages = max(1, -(-total // self.page_size))
            page = min(self.page, pages)
            items = self._run(self.sorted().limit(self.page_size)
                              .offset((page - 1) * self.page_size))
            self._pagination = Page(items=items, page=page, pages=pages, total=total)
        return self._pagination

    @property
    def rows(self):
        return self.pagination.items

    @property
    def total(self) -> int:
        return self.pagination.total or 0

    def count(self) -> int:
        """Number of records matching the filters."""
        return db.session.scalar(select(func.count()).select_from(self.filtered().subquery()))

    # -- links ----------------------------------------------------------------------------
    def url(self, **changes) -> str:
        """This list's address with some arguments changed (None removes one)."""
        args = {"q": self.q, "sort": self.sort, "page": self.page, **self.values}
        args.update(changes)
        args = {k: v for k, v in args.items() if v not in (None, "", 1) or k == "export"}
        if args.get("sort") == self.default_sort:
            args.pop("sort")
        return url_for(self.endpoint, **self.view_args, **args)

    def sort_url(self, key: str) -> str:
        """Address that sorts by `key`, reversing the order when already sorted by it."""
        new = f"-{key}" if self.sort == key else key
        return self.url(sort=new, page=None)

    def sort_state(self, key: str) -> str:
        """`ascending`, `descending` or `none`, as aria-sort expects."""
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return "none"

    # -- exports --------------------------------------------------------------------------
    def export_response(self):
        """The CSV or Excel download named by `?export=`, or None when none was asked for."""
        fmt = request.args.get("export")
        if not fmt:
            return None
        columns = [c for c in self.columns if c.export]
        headers = [c.label for c in columns]
        rows = ([c.value(r) for c in columns] for r in self._run(self.sorted()))
        if fmt == "csv":
            return csv_response(self.export_name, headers, rows)
        if fmt == "xlsx":
            return xlsx_response(self.export_name, headers, rows)
        abort(400)
        return None


@dataclass
class Page:
    """One page of a listing and where it sits among the others."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, edge: int = 2, around: int = 2):
        """Page numbers to link, with None where a run of pages is left out."""
        last = 0
        for number in range(1, self.pages + 1):
            if number <= edge or number > self.pages - edge or abs(number - self.page) <= around:
                if last and number - last > 1:
                    yield None
                yield number
                last = number
