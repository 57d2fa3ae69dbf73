"""Two versions of a work plan side by side: what was added, removed or changed."""

ACTIVITY_FIELDS = [
    ("title", "Title"), ("description", "Description"), ("thematic_area", "Thematic area"),
    ("strategy", "Strategy"), ("expected_result", "Expected result"),
    ("responsible", "Responsible"), ("starts_on", "Starts"), ("ends_on", "Ends"),
    ("cost_core", "Core (USD)"), ("cost_extra", "Extra-budgetary (USD)"),
    ("status", "Status"), ("gaps", "Gaps"),
]
INDICATOR_FIELDS = [
    ("statement", "Indicator"), ("kind", "Kind"), ("unit", "Unit"),
    ("baseline_value", "Baseline"), ("baseline_date", "Baseline date"),
    ("target_value", "Target"), ("target_date", "Target date"),
    ("verification", "Means of verification"), ("sex_disaggregated", "Sex-disaggregated"),
    ("direction", "Direction"),
]


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if value is None or value == "":
        return "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def _fields(old: dict | None, new: dict | None, fields) -> list[dict]:
    rows = []
    for key, label in fields:
        before = _shown(old.get(key)) if old else None
        after = _shown(new.get(key)) if new else None
        rows.append({"label": label, "before": before, "after": after,
                     "changed": old is not None and new is not None and before != after})
    return rows


def _state(old, new, fields) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed" if any(r["changed"] for r in fields) else "same"


def compare(old: dict, new: dict) -> list[dict]:
    """Objectives, each with its activities, each with its indicators, matched by record id;
    each entry says whether it was added, removed, changed or is the same."""
    def by_id(items):
        return {item["id"]: item for item in items}

    result = []
    old_objectives = by_id(old.get("objectives", []))
    new_objectives = by_id(new.get("objectives", []))
    order = list(new_objectives) + [i for i in old_objectives if i not in new_objectives]
    old_activities = {a["id"]: a for o in old.get("objectives", []) for a in o["activities"]}
    for objective_id in order:
        before, after = old_objectives.get(objective_id), new_objectives.get(objective_id)
        activities = []
        new_acts = by_id((after or {}).get("activities", []))
        own_old = by_id((before or {}).get("activities", []))
        act_order = list(new_acts) + [i for i in own_old if i not in new_acts
                                      and not any(i in by_id(o["activities"]) for o in
                                                  new.get("objectives", []))]
        for activity_id in act_order:
            a_old, a_new = old_activities.get(activity_id), new_acts.get(activity_id)
            fields = _fields(a_old, a_new, ACTIVITY_FIELDS)
            indicators = []
            i_old, i_new = by_id((a_old or {}).get("indicators", [])), by_id(
                (a_new or {}).get("indicators", []))
            for indicator_id in list(i_new) + [i for i in i_old if i not in i_new]:
                ind_fields = _fields(i_old.get(indicator_id), i_new.get(indicator_id),
                                     INDICATOR_FIELDS)
                indicators.append({"state": _state(i_old.get(indicator_id),
                                                   i_new.get(indicator_id), ind_fields),
                                   "fields": ind_fields,
                                   "title": (i_new.get(indicator_id) or
                                             i_old.get(indicator_id))["statement"]})
            state = _state(a_old, a_new, fields)
            if state == "same" and any(i["state"] != "same" for i in indicators):
                state = "changed"
            activities.append({"state": state, "fields": fields, "indicators": indicators,
                               "title": (a_new or a_old)["title"]})
        title_changed = bool(before and after and before["title"] != after["title"])
        text_changed = bool(before and after and before.get("description", "") !=
                            after.get("description", ""))
        state = _state(before, after, [{"changed": title_changed or text_changed}])
        own = state != "same"  # the objective itself, not only what is under it
        if state == "same" and any(a["state"] != "same" for a in activities):
            state = "changed"
        result.append({"state": state, "own": own, "title": (after or before)["title"],
                       "old_title": before["title"] if title_changed else None,
                       "old_description": before.get("description", "") if text_changed
                       else None, "description": (after or before).get("description", ""),
                       "activities": activities})
    return result


def changed_count(result: list[dict]) -> int:
    """How many objectives, activities and indicators differ."""
    return sum(o["own"] + sum(
        (a["state"] != "same") + sum(i["state"] != "same" for i in a["indicators"])
        for a in o["activities"]) for o in result)
