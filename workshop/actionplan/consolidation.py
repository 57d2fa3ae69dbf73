"""The departmental action plan worked out from plain data.

The same function serves the live plan (data loaded from the approved office plans now) and every
frozen version (the data stored at finalisation), so a version shows exactly the figures it had.
The data is a dict of plain values (see `services.load_content`):

    offices, thematic_areas, strategies, objectives: lists of dicts in display order
    activities: one dict per activity of an approved office plan, with its indicators
    priority_gaps: the high-priority gaps of the needs assessment
    decisions: the Gender Unit's decisions on overlapping pairs
    overlaps (frozen versions only): the pairs found at finalisation, with their scores
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from rapidfuzz import fuzz, process, utils

NO_AREA = "No thematic area"
NO_STRATEGY = "No strategy"
NOT_MAPPED = "Not mapped to a departmental objective"
DEFAULT_THRESHOLD = 75
# Each activity is paired with at most this many of its closest likes: enough to join every
# alike activity into one group, without listing every pair when many offices plan the same.
MATCHES_PER_ACTIVITY = 5


def amount(value) -> Decimal | None:
    """A stored amount (a string, a number or None) as a Decimal; None stays not known."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


@dataclass
class Figures:
    """Counts and resources of a set of activities: the department, a thematic area, an office,
    one cell of the coverage matrix. Amounts not known are counted, not taken as zero."""

    key: str
    label: str
    activities: int = 0
    indicators: int = 0
    core: Decimal = Decimal(0)
    extra: Decimal = Decimal(0)
    core_unknown: int = 0
    extra_unknown: int = 0
    unknown: int = 0  # activities with at least one amount not known
    office_ids: set = field(default_factory=set)

    def add(self, activity: dict) -> None:
        self.activities += 1
        self.indicators += len(activity["indicators"])
        self.office_ids.add(activity["office_id"])
        core, extra = amount(activity["cost_core"]), amount(activity["cost_extra"])
        if core is None:
            self.core_unknown += 1
        else:
            self.core += core
        if extra is None:
            self.extra_unknown += 1
        else:
            self.extra += extra
        if core is None or extra is None:
            self.unknown += 1

    @property
    def total(self) -> Decimal:
        return self.core + self.extra

    @property
    def offices(self) -> int:
        return len(self.office_ids)

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "activities": self.activities,
                "indicators": self.indicators, "offices": self.offices,
                "core": self.core, "extra": self.extra, "total": self.total,
                "core_unknown": self.core_unknown, "extra_unknown": self.extra_unknown,
                "unknown": self.unknown}


@dataclass
class Overlap:
    """Two activities of different offices that look alike."""

    first: dict
    second: dict
    score: int
    decision: dict | None = None

    @property
    def key(self) -> tuple[int, int]:
        return self.first["id"], self.second["id"]


@dataclass
class OverlapGroup:
    """Activities linked by undecided overlapping pairs, to be decided together or pair by pair."""

    activities: list[dict]
    pairs: list[Overlap]

    @property
    def score(self) -> int:
        return max(p.score for p in self.pairs)


@dataclass
class Gaps:
    """What the plan does not cover yet."""

    areas_without: list[str]
    strategies_without: list[str]
    office_areas_without: list[tuple[dict, list[str]]]
    office_strategies_without: list[tuple[dict, list[str]]]
    unanswered_gaps: list[dict]
    offices_without_plan: list[dict]

    @property
    def count(self) -> int:
        return (len(self.areas_without) + len(self.strategies_without)
                + sum(len(a) for _, a in self.office_areas_without)
                + sum(len(s) for _, s in self.office_strategies_without)
                + len(self.unanswered_gaps) + len(self.offices_without_plan))


@dataclass
class Consolidation:
    """Everything the departmental plan's pages, PDF, workbook and API show."""

    data: dict
    totals: Figures
    by_area: list[Figures]
    by_strategy: list[Figures]
    by_office: list[Figures]
    by_objective: list[Figures]
    cells: dict[tuple[int, str], Figures]
    areas: list[str]
    offices: list[dict]  # offices with an approved plan, in display order
    activities_by_area: list[tuple[str, list[dict]]]
    gaps: Gaps

    def cell(self, office_id: int, area: str) -> Figures:
        return self.cells.get((office_id, area)) or Figures(f"{office_id}:{area}", area)

    @property
    def offices_total(self) -> int:
        return len(self.data["offices"])

    @cached_property
    def _pairs(self) -> tuple[list[Overlap], list[Overlap]]:
        """The undecided and the decided pairs; found only when a page asks for them."""
        data = self.data
        by_id = {a["id"]: a for a in data["activities"]}
        decisions = {(d["first"], d["second"]): d for d in data["decisions"]}
        found = data.get("overlaps")
        if found is None:
            found = [{"first": f, "second": s, "score": score} for f, s, score in
                     find_overlaps(data["activities"], data.get("threshold", DEFAULT_THRESHOLD))]
        overlaps, decided = [], []
        for pair in found:
            if pair["first"] in by_id and pair["second"] in by_id:
                overlap = Overlap(by_id[pair["first"]], by_id[pair["second"]], pair["score"],
                                  decisions.get((pair["first"], pair["second"])))
                (decided if overlap.decision else overlaps).append(overlap)
        # A decision taken on a pair that no longer scores as alike still shows as decided.
        flagged = {p.key for p in decided}
        for key, decision in decisions.items():
            if key not in flagged and key[0] in by_id and key[1] in by_id:
                decided.append(Overlap(by_id[key[0]], by_id[key[1]], decision.get("score", 0),
                                       decision))
        return overlaps, sorted(decided, key=lambda p: p.key)

    @property
    def overlaps(self) -> list[Overlap]:
        """Pairs of alike activities not decided yet."""
        return self._pairs[0]

    @property
    def decided(self) -> list[Overlap]:
        """Pairs the Gender Unit has decided on."""
        return self._pairs[1]

    @cached_property
    def groups(self) -> list[OverlapGroup]:
        """The undecided pairs joined into groups of activities that share a pair."""
        return _groups(self.overlaps)


def _figures(keys: list[tuple[str, str]]) -> dict[str, Figures]:
    return {key: Figures(key, label) for key, label in keys}


def find_overlaps(activities: list[dict], threshold: int = DEFAULT_THRESHOLD
                  ) -> list[tuple[int, int, int]]:
    """Pairs (first id, second id, score) of activities of different offices with the same
    thematic area and strategy whose titles score at least `threshold` out of 100 with
    rapidfuzz's token-sort ratio (word order and case do not matter)."""
    buckets: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for activity in activities:
        if activity["thematic_area"] and activity["strategy"]:
            buckets[activity["thematic_area"], activity["strategy"]].append(activity)
    pairs = []
    for bucket in buckets.values():
        bucket.sort(key=lambda a: a["id"])
        texts = [utils.default_process(a["title"]) for a in bucket]
        for i, activity in enumerate(bucket):
            others = {j: texts[j] for j in range(i + 1, len(bucket))
                      if bucket[j]["office_id"] != activity["office_id"]}
            if not others or not texts[i]:
                continue
            for _, score, j in process.extract(texts[i], others, scorer=fuzz.token_sort_ratio,
                                               processor=None, score_cutoff=threshold,
                                               limit=MATCHES_PER_ACTIVITY):
                pairs.append((activity["id"], bucket[j]["id"], int(round(score))))
    return sorted(pairs)


def _groups(pairs: list[Overlap]) -> list[OverlapGroup]:
    parent: dict[int, int] = {}

    def root(item: int) -> int:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    activities: dict[int, dict] = {}
    for pair in pairs:
        activities[pair.first["id"]], activities[pair.second["id"]] = pair.first, pair.second
        parent[root(pair.first["id"])] = root(pair.second["id"])
    grouped: dict[int, list[Overlap]] = defaultdict(list)
    for pair in pairs:
        grouped[root(pair.first["id"])].append(pair)
    result = []
    for members in grouped.values():
        ids = sorted({a for p in members for a in p.key})
        result.append(OverlapGroup([activities[i] for i in ids], members))
    return sorted(result, key=lambda g: (-g.score, g.activities[0]["id"]))


def _unlisted(activities: list[dict], column: str, listed: list[str]) -> list[str]:
    """The names in `column` of `activities` missing from `listed`, in order of first use."""
    return list(dict.fromkeys(a[column] for a in activities
                              if a[column] and a[column] not in listed))


def consolidate(data: dict) -> Consolidation:
    """The departmental plan's figures, coverage, gaps and overlaps from `data`."""
    activities = data["activities"]
    listed_areas = [a["name"] for a in data["thematic_areas"]]
    listed_strategies = [s["name"] for s in data["strategies"]]
    # An area or strategy taken off its reference list still counts for the activities using
    # it; only those still listed are looked for as gaps.
    areas = listed_areas + _unlisted(activities, "thematic_area", listed_areas)
    strategies = listed_strategies + _unlisted(activities, "strategy", listed_strategies)
    if any(not a["thematic_area"] for a in activities):
        areas.append(NO_AREA)
    if any(not a["strategy"] for a in activities):
        strategies.append(NO_STRATEGY)
    planned = [o for o in data["offices"] if o.get("plan_status") == "approved"]

    totals = Figures("all", "Department")
    by_area = _figures([(a, a) for a in areas])
    by_strategy = _figures([(s, s) for s in strategies])
    by_office = {o["id"]: Figures(o["acronym"], o["acronym"]) for o in planned}
    by_objective = _figures([(o["code"], f"{o['code']} {o['title']}")
                             for o in data["objectives"]] + [("", NOT_MAPPED)])
    cells: dict[tuple[int, str], Figures] = {}
    listed: dict[str, list[dict]] = {area: [] for area in areas}
    for activity in activities:
        area = activity["thematic_area"] or NO_AREA
        strategy = activity["strategy"] or NO_STRATEGY
        totals.add(activity)
        by_area[area].add(activity)
        by_strategy[strategy].add(activity)
        if activity["office_id"] in by_office:
            by_office[activity["office_id"]].add(activity)
        by_objective[activity.get("departmental_objective") or ""].add(activity)
        key = (activity["office_id"], area)
        cells.setdefault(key, Figures(f"{activity['office']}:{area}", area)).add(activity)
        listed[area].append(activity)

    used: dict[tuple[int, str], set[str]] = defaultdict(set)
    for activity in activities:
        used[activity["office_id"], "thematic_area"].add(activity["thematic_area"] or NO_AREA)
        used[activity["office_id"], "strategy"].add(activity["strategy"] or NO_STRATEGY)

    def missing(office_id: int, names: list[str], column: str, none: str) -> list[str]:
        have = used[office_id, column]
        return [n for n in names if n not in have and n != none]

    answered = {code for a in activities for code in a["gaps"]}
    gaps = Gaps(
        areas_without=[a for a in areas if a != NO_AREA and not by_area[a].activities],
        strategies_without=[s for s in strategies
                            if s != NO_STRATEGY and not by_strategy[s].activities],
        office_areas_without=[(o, m) for o in planned
                              if (m := missing(o["id"], listed_areas, "thematic_area",
                                               NO_AREA))],
        office_strategies_without=[(o, m) for o in planned
                                   if (m := missing(o["id"], listed_strategies, "strategy",
                                                    NO_STRATEGY))],
        unanswered_gaps=[g for g in data["priority_gaps"] if g["code"] not in answered],
        offices_without_plan=[o for o in data["offices"] if o.get("plan_status") != "approved"],
    )

    office_order = {o["id"]: i for i, o in enumerate(data["offices"])}
    for area in listed:
        listed[area].sort(key=lambda a: (office_order.get(a["office_id"], 0), a["position"]))
    return Consolidation(
        data=data, totals=totals, by_area=list(by_area.values()),
        by_strategy=list(by_strategy.values()), by_office=list(by_office.values()),
        by_objective=[f for f in by_objective.values() if f.key or f.activities],
        cells=cells, areas=areas, offices=planned,
        activities_by_area=[(area, listed[area]) for area in areas],
        gaps=gaps,
    )


# -- comparing two versions --------------------------------------------------------------------

COMPARED_FIELDS = [
    ("office", "Office"), ("title", "Title"), ("thematic_area", "Thematic area"),
    ("strategy", "Strategy"), ("departmental_objective", "Departmental objective"),
    ("expected_result", "Expected result"), ("responsible", "Responsible"),
    ("starts_on", "Starts"), ("ends_on", "Ends"), ("cost_core", "Core (USD)"),
    ("cost_extra", "Extra-budgetary (USD)"), ("status", "Status"),
]


def _shown(activity: dict, key: str) -> str:
    value = activity.get(key)
    if key.startswith("cost_"):
        value = amount(value)
        return "not known" if value is None else f"{value:,.0f}"
    return "—" if value in (None, "") else str(value)


def _indicators(activity: dict) -> list[str]:
    return [f"{i['statement']} (baseline {i['baseline_value'] or '—'}, "
            f"target {i['target_value'] or '—'})" for i in activity["indicators"]]


def compare(old: dict, new: dict) -> dict:
    """Two versions' activities matched by record id: added, removed and changed, each change
    field by field, and the totals of both."""
    before = {a["id"]: a for a in old["activities"]}
    after = {a["id"]: a for a in new["activities"]}
    changed = []
    for key in [k for k in after if k in before]:
        fields = [(label, _shown(before[key], name), _shown(after[key], name))
                  for name, label in COMPARED_FIELDS
                  if _shown(before[key], name) != _shown(after[key], name)]
        if _indicators(before[key]) != _indicators(after[key]):
            fields.append(("Indicators", "; ".join(_indicators(before[key])) or "—",
                           "; ".join(_indicators(after[key])) or "—"))
        if fields:
            changed.append((after[key], fields))
    return {
        "added": [a for k, a in after.items() if k not in before],
        "removed": [a for k, a in before.items() if k not in after],
        "changed": changed,
        "totals": (consolidate(old).totals, consolidate(new).totals),
    }
