"""The OpenAPI document, and every operation in it answering only as the document says.

Each scenario walks every path and method of /api/v1/openapi.json and calls it: with valid data
and the token of a role allowed the call (the administrator's where they may), without a token,
with the tokens of other roles, with ids that do not exist and with invalid bodies. Every answer
must carry a status code the operation lists explicitly ("default" does not count), a JSON error
body for errors, a body matching the documented schema and the documented headers.

These walks of the whole document are marked `walk` and run once, in the SQLite pass of
`make test`, while the schemathesis fuzzing runs in the PostgreSQL pass.
"""

import itertools
import json
from datetime import date

import pytest
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from openapi_spec_validator import validate

from tests.api import (
    API,
    bearer,
    is_error_body,
    seed_actionplan,
    seed_assessment,
    seed_demo,
    seed_monitoring,
    seed_workplans,
    seed_workshops,
)
from tests.factories import make_user
from workshop.admin.models import REFERENCE_LISTS
from workshop.admin.services import save_cycle, save_office, save_reference_item
from workshop.core.api import MAX_ID
from workshop.extensions import db

pytestmark = pytest.mark.walk

METHODS = ("get", "post", "put", "patch", "delete")
_seq = itertools.count(1)


@pytest.fixture
def document(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def tokens(app):
    return seed_demo(app)


def operations(document):
    """(method, path, operation) for every operation of the document."""
    return [(method, path, operation)
            for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def documented_codes(operation) -> set[int]:
    return {int(code) for code in operation["responses"] if code.isdigit()}


def success_code(operation) -> int:
    (code,) = [c for c in documented_codes(operation) if 200 <= c < 300]
    return code


def resolve(node, document):
    """`node` with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target, document)
        return {key: resolve(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(value, document) for value in node]
    return node


def body_schema(operation, document) -> tuple[str | None, dict | None]:
    """The name and resolved schema of the operation's JSON body, if it takes one."""
    body = operation.get("requestBody")
    if not body:
        return None, None
    schema = body["content"]["application/json"]["schema"]
    if schema.get("type") == "array":  # a list of items, such as attendance marks: "Item[]"
        return schema["items"]["$ref"].rsplit("/", 1)[-1] + "[]", resolve(schema, document)
    return schema["$ref"].rsplit("/", 1)[-1], resolve(schema, document)


# -- records and bodies -----------------------------------------------------------------------

SCRATCH_START, SCRATCH_END = date(2040, 1, 1), date(2041, 12, 31)


def fresh_ids(app, path: str) -> dict:
    """New records for the path's parameters, free to be changed or deleted by the call."""
    n = next(_seq)
    if "/assessment/" in path:
        # A nomination, a session with two findings and their gaps, in the demo's Office of
        # Operations (whose focal point and participant may read its figures).
        return seed_assessment(app, n)
    if path.startswith(f"{API}/workshops/"):
        # A workshop of the Office of Operations with its agenda and an invitation; a draft of
        # the curriculum for the calls that change one, none for the call that starts one.
        return seed_workshops(app, n, draft="{version_id}" in path or "{module_id}" in path)
    if path.startswith(f"{API}/work-plans/"):
        # A plan of the Office of Operations at the stage the call needs: submitted to be
        # returned or approved (and to have a version), approved to be reopened, else a draft.
        status = ("submitted" if path.endswith(("/return", "/approve", "{number}"))
                  else "approved" if path.endswith("/reopen") else "draft")
        return seed_workplans(app, n, status)
    if path.startswith(f"{API}/action-plan/"):
        # Approved office plans with overlapping activities, a departmental objective, a
        # decision and version 1: published, but for the call that publishes it.
        return seed_actionplan(app, n, published=not path.endswith("/publish"))
    if path.startswith(f"{API}/monitoring/") and "/notifications" not in path:
        # A cycle of its own monitored, its first quarter's report of the Office of Operations
        # not started (to lay the periods out again or start it), submitted (to be accepted or
        # returned) or a draft.
        stage = ("none" if path.endswith(("/periods", "/start")) else
                 "submitted" if path.endswith(("/accept", "/return")) else "draft")
        return seed_monitoring(app, n, stage)
    ids = {}
    with app.app_context():
        if "{office_id}" in path:
            ids["office_id"] = save_office(None, name=f"Scratch office {n}",
                                           acronym=f"SCR{n}").id
        if "{cycle_id}" in path or "{milestone_id}" in path:
            cycle = save_cycle(None, name=f"Scratch {n}", start_date=SCRATCH_START,
                               end_date=SCRATCH_END, status="planning")
            ids["cycle_id"], ids["milestone_id"] = cycle.id, cycle.milestones[0].id
        if "{item_id}" in path:
            model = REFERENCE_LISTS[path.split("/")[4]][0]
            ids["item_id"] = save_reference_item(model, None, name=f"Scratch entry {n}").id
        if "{user_id}" in path:
            ids["user_id"] = make_user("viewer").id
        db.session.commit()
    return ids


def url(path: str, ids: dict) -> str:
    return path.format(**ids)


def valid_body(schema_name: str | None, ids: dict | None = None) -> dict | None:
    """A body each operation accepts, new values every time; `ids` are those of fresh_ids,
    for the records a body refers to."""
    if schema_name is None:
        return None
    n = next(_seq)
    ids = ids or {}
    office_id, level_id, category_id = (ids.get(k, 1) for k in ("office_id", "level_id",
                                                                 "category_id"))
    bodies = {
        "Office": {"name": f"Office of Tests {n}", "acronym": f"OT{n}",
                   "description": "Made by a test."},
        "OfficePatch": {"description": "Changed by a test."},
        "Cycle": {"name": f"C{n}", "start_date": "2050-01-01", "end_date": "2051-12-31"},
        "CyclePatch": {"description": "Changed by a test."},
        "Milestone": {"title": f"Milestone {n}", "stage": "pilot",
                      "planned_start": "2040-03-01", "planned_end": "2040-03-31"},
        "MilestonePatch": {"status": "in_progress", "actual_start": "2040-01-02"},
        "ReferenceItem": {"name": f"Entry {n}", "description": "Made by a test."},
        "ReferenceItemPatch": {"description": "Changed by a test."},
        "NewUser": {"email": f"new.person{n}@example.org", "name": "New Person",
                    "roles": ["viewer"], "password": "a-long-enough-password"},
        "UserPatch": {"name": "Renamed Person"},
        "Nomination": {"office_id": office_id, "name": f"Nominee of Tests {n}", "sex": "male",
                       "level_id": level_id, "email": f"nominated{n}@example.org",
                       "job_title": "Planning officer"},
        "NominationPatch": {"job_title": "Changed by a test."},
        "Session": {"office_id": office_id, "held_at": ids.get("held_at", "2026-02-16T09:30"),
                    "format": "group", "consultant_ids": [ids.get("consultant_id", 1)],
                    "headcounts": [{"level_id": level_id, "women": 3, "men": 2}],
                    "topics": "Planning.", "notes": "Made by a test.",
                    "findings": [{"category_id": category_id, "title": f"Finding {n}",
                                  "resources": ["checklists"]}]},
        "SessionPatch": {"topics": "Changed by a test."},
        "Finding": {"category_id": category_id, "title": f"Finding {n}", "priority": "high",
                    "resources": ["guidance", "training"]},
        "FindingPatch": {"description": "Changed by a test."},
        "GapPatch": {"description": "Changed by a test."},
        "GapMerge": {"gap_ids": [ids.get("other_gap_id", 1)]},
        "GapGroup": {"finding_ids": ids.get("finding_ids", [1, 2])},
        "StartRevision": {},
        "CurriculumModule": {"code": f"N{n}", "title": f"Module {n}", "duration_minutes": 45,
                             "category_ids": [category_id], "objectives": "Made by a test."},
        "CurriculumModulePatch": {"objectives": "Changed by a test."},
        "CurriculumRevision": {"module_code": "M1", "change": f"Change {n}",
                               "reason": "Asked for by a test."},
        "PublishVersion": {"summary": "Published by a test."},
        "Workshop": {"kind": "office", "office_id": office_id, "title": f"Workshop {n}",
                     "start_date": ids.get("start_date", "2040-03-01"), "venue": "Room 1",
                     "facilitator_ids": [ids.get("consultant_id", 1)]},
        "WorkshopPatch": {"venue": "Changed by a test."},
        "AgendaItem": {"day": 1, "starts_at": "17:00", "ends_at": "17:30",
                       "title": f"Session {n}", "gap_ids": [ids.get("gap_id", 1)]},
        "AgendaItemPatch": {"facilitator": "Changed by a test."},
        "AttendanceMark[]": [{"invitation_id": ids.get("invitation_id", 1), "day": 1,
                              "status": "present"}],
        "Invite": {"nomination_ids": [ids.get("guest_id", 1)]},
        "StartPlan": {"office_id": office_id, "cycle_id": ids.get("cycle_id", 1)},
        "Objective": {"title": f"Objective {n}", "description": "Made by a test."},
        "ObjectiveChangePatch": {"description": "Changed by a test.", "lock_version": 1},
        "Activity": {"title": f"Activity {n}", "thematic_area_id": ids.get("thematic_area_id", 1),
                     "starts_on": "2030-04-01", "ends_on": "2030-06-30", "cost_core": "2500.50",
                     "cost_extra": 300, "gap_ids": [ids.get("plan_gap_id", 1)]},
        "ActivityChangePatch": {"responsible": "Changed by a test.", "lock_version": 1,
                                "objective_id": ids.get("other_objective_id", 1)},
        "Indicator": {"statement": f"Indicator {n}", "unit": "percent", "baseline_value": "20",
                      "target_value": "50", "target_date": "2031-12-31",
                      "sex_disaggregated": True},
        "IndicatorChangePatch": {"verification": "Changed by a test.", "lock_version": 1},
        "PlanComment": {"body": "Made by a test.", "activity_id": ids.get("activity_id")},
        "SubmitPlan": {"lock_version": ids.get("plan_lock_version", 1)},
        "ReturnPlan": {"comment": "Returned by a test."},
        "ApprovePlan": {},
        "ReopenPlan": {},
        "DecideOverlaps": {"pairs": [ids.get("overlap", [1, 2])], "decision": "coordinate",
                           "note": "Decided by a test."},
        "DepartmentalObjective": {"title": f"Departmental objective {n}",
                                  "description": "Made by a test.",
                                  "thematic_area_id": ids.get("thematic_area_id", 1)},
        "DepartmentalObjectivePatch": {"description": "Changed by a test."},
        "MapActivities": {"activity_ids": ids.get("activity_ids", [1]),
                          "objective_id": ids.get("objective_id", 1)},
        "FinaliseActionPlan": {"note": "Finalised by a test."},
        "PublishActionPlan": {},
        "LayOut": {"frequency": "half_yearly", "starts_on": "2034-04-01", "due_days": 20},
        "PeriodStatus": {"status": "closed"},
        "StartProgressReport": {"office_id": office_id},
        "ProgressChange": {"status": "at_risk", "percent_complete": 30,
                           "narrative": "Changed by a test.", "challenges": "Staff time.",
                           "lock_version": ids.get("lock_version")},
        "MeasurementChange": {"value": "12", "source": "Attendance lists",
                              "lock_version": ids.get("lock_version")},
        "ReportVersion": {"lock_version": ids.get("lock_version")},
        "ReturnReport": {"comment": "Returned by a test.", "activity_id": ids.get("activity_id")},
        "MarkRead": {"ids": [1, 2]},
    }
    assert schema_name in bodies, f"give test_openapi.valid_body an example of {schema_name}"
    return bodies[schema_name]


def invalid_bodies(schema_name: str, schema: dict, ids: dict, base: dict | None = None):
    """(label, keyword arguments of client.open) of bodies the operation must refuse; those of
    a list are refused at the item (`base`: the valid item)."""
    if schema.get("type") == "array":  # each way to spoil an item, as the one item of the list
        yield "an object", {"json": valid_body(schema_name, ids)[0]}
        for label, request in invalid_bodies(schema_name.removesuffix("[]"), schema["items"],
                                             ids, base=valid_body(schema_name, ids)[0]):
            if "json" in request:
                yield label, {"json": [request["json"]]}
            else:
                yield label, {**request, "data": f"[{request['data']}]"}
        return
    base = base or valid_body(schema_name, ids)
    yield "unknown property", {"json": {**base, "no_such_property": 1}}
    yield "an array", {"json": [base]}
    yield "a string", {"json": "text"}
    if schema.get("required"):
        yield "nothing", {"json": {}}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("readOnly"):
            continue
        kind = prop.get("type")
        if not prop.get("nullable"):
            yield f"{name}: null", {"json": {**base, name: None}}
        if kind == "string":
            yield f"{name}: a number", {"json": {**base, name: 12}}
            yield f"{name}: NUL byte", {"json": {**base, name: "a\x00b"}}
            raw = json.dumps({**base, name: "SURROGATE"}).replace("SURROGATE", "a\\ud800b")
            yield f"{name}: lone surrogate", {"data": raw, "content_type": "application/json"}
            if "maxLength" in prop:
                yield f"{name}: too long", {"json": {**base, name: "x" * (prop["maxLength"] + 1)}}
        if "enum" in prop or "enum" in prop.get("items", {}):
            value = ["no-such-choice"] if kind == "array" else "no-such-choice"
            yield f"{name}: not a choice", {"json": {**base, name: value}}
        if kind == "integer":
            for number in (-1, 2**31, 2**63, 10**30):
                yield f"{name}: {number}", {"json": {**base, name: number}}
            yield f"{name}: text", {"json": {**base, name: "1; DROP TABLE offices"}}
        if kind == "boolean":
            yield f"{name}: text", {"json": {**base, name: "maybe"}}
        if prop.get("format") == "date":
            yield f"{name}: not a date", {"json": {**base, name: "2040-02-30"}}


# -- checking answers -------------------------------------------------------------------------


class Conformance:
    """Collects every way the answers differ from the document."""

    def __init__(self, document):
        self.document = document
        self.problems: list[str] = []

    def check(self, label: str, method: str, path: str, response, expected=None) -> None:
        operation = self.document["paths"][path][method]
        where = f"{method.upper()} {path} ({label}) -> {response.status_code}"
        code = response.status_code
        codes = documented_codes(operation)
        if code not in codes:
            self.problems.append(f"{where}: not among the documented {sorted(codes)}; "
                                 f"{response.get_data(as_text=True)[:200]}")
            return
        if expected is not None and code not in (
                expected if isinstance(expected, set | tuple) else {expected}):
            self.problems.append(f"{where}: expected {expected}; "
                                 f"{response.get_data(as_text=True)[:200]}")
        if code >= 400 and not is_error_body(response):
            self.problems.append(f"{where}: not a JSON error body with code and message")
        documented = resolve(operation["responses"][str(code)], self.document)
        content = documented.get("content")
        if content is None:
            if response.get_data():
                self.problems.append(f"{where}: a body where none is documented")
        else:
            self._check_body(where, response, content)
        for header in documented.get("headers", {}):
            if header not in response.headers:
                self.problems.append(f"{where}: no {header} header")
        if "X-Pagination" in documented.get("headers", {}) and "X-Pagination" in response.headers:
            metadata = json.loads(response.headers["X-Pagination"])
            if not {"total", "total_pages"} <= set(metadata):
                self.problems.append(f"{where}: X-Pagination lacks the totals: {metadata}")
        if code == 401 and not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
            self.problems.append(f"{where}: no WWW-Authenticate: Bearer header")

    def _check_body(self, where, response, content) -> None:
        if response.mimetype not in content:
            self.problems.append(f"{where}: {response.mimetype} is not among {list(content)}")
            return
        data = response.get_json(silent=True)
        if data is None:
            self.problems.append(f"{where}: the body is not JSON")
            return
        validator = OAS30ReadValidator(content[response.mimetype]["schema"],
                                       format_checker=oas30_format_checker)
        for error in validator.iter_errors(data):
            self.problems.append(f"{where}: body does not match the schema: {error.message}")

    def assert_none(self) -> None:
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems)


def may(role: str, method: str, path: str) -> bool:
    """Whether `role` may make this call (the permission table, seen from the API)."""
    if "/assessment/" in path:
        return may_assess(role, method, path)
    if path.startswith(f"{API}/workshops/"):
        return may_run_workshops(role, method, path)
    if path.startswith(f"{API}/work-plans/"):
        return may_plan(role, method, path)
    if path.startswith(f"{API}/action-plan/"):
        return may_consolidate(role, method, path)
    if path.startswith(f"{API}/monitoring/"):
        return may_monitor(role, method, path)
    if path.endswith("/me"):
        return True
    if "/users" in path:
        return role == "admin"
    if method == "get":
        return True
    if "/offices" in path or "/reference/" in path:
        return role == "admin"
    return role in ("admin", "gender_unit")  # cycles and their milestones


def may_assess(role: str, method: str, path: str) -> bool:
    """The needs assessment: consultants and the Gender Unit do everything; office staff read
    their office's nominations, gaps and summary (fresh_ids makes them in the focal point's
    office); the department's summary is for the viewer too."""
    if role in ("consultant", "gender_unit"):
        return True
    if method != "get":
        return False
    resource = path.split("/assessment/")[1].split("/")[0]
    if resource == "summary":
        return role == "viewer"
    return role in ("focal_point", "participant") and resource in ("nominations", "gaps",
                                                                   "offices")


def may_run_workshops(role: str, method: str, path: str) -> bool:
    """Workshops: consultants and the Gender Unit do everything; everyone reads the curriculum,
    workshops, agendas and figures; office staff read the attendance of their office's workshop
    (fresh_ids makes it in the focal point's office); invitations are for those who run them."""
    if role in ("consultant", "gender_unit"):
        return True
    if method != "get" or path.endswith("/invitations"):
        return False
    if path.endswith("/attendance"):
        return role in ("focal_point", "participant")
    return True


def may_plan(role: str, method: str, path: str) -> bool:
    """Work plans: the office's staff (fresh_ids makes the plan in the focal point's office) and
    consultants draft; the focal point submits; the Gender Unit reads, comments and decides;
    the viewer and the administrator do nothing."""
    if role not in ("participant", "focal_point", "consultant", "gender_unit"):
        return False
    if path.endswith("/submit"):
        return role == "focal_point"
    if path.endswith(("/return", "/approve", "/reopen")):
        return role == "gender_unit"
    if method == "get" or path.endswith("/comments"):
        return True
    return role != "gender_unit"


def may_consolidate(role: str, method: str, path: str) -> bool:
    """The departmental plan: the Gender Unit consolidates, decides, finalises and publishes;
    everyone reads the published versions (fresh_ids publishes the version it makes)."""
    if role == "gender_unit":
        return True
    return method == "get" and path.endswith(("/versions", "/versions/{number}"))


def may_monitor(role: str, method: str, path: str) -> bool:
    """Monitoring: everyone has their notifications; the office's staff (fresh_ids makes the
    report in the focal point's office) report, the focal point submits; the Gender Unit lays
    out and closes periods and decides; the Gender Unit, the viewer and the administrator read
    everything, the dashboard included; the consultant has no part in it."""
    if "/notifications" in path:
        return True
    if path.endswith("/dashboard"):
        return role in ("gender_unit", "viewer", "admin")
    if path.endswith("/submit"):
        return role == "focal_point"
    if path.endswith(("/start", "/activities/{activity_id}", "/measurements/{indicator_id}")):
        return role in ("focal_point", "participant")
    if method != "get":
        return role == "gender_unit"
    return role != "consultant"


def caller(method: str, path: str) -> str:
    """A role that may make the call: the administrator where they may."""
    return next(r for r in ("admin", "gender_unit", "consultant", "focal_point")
                if may(r, method, path))


# -- the document -----------------------------------------------------------------------------


def test_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Workshop API"


def test_document_declares_the_bearer_scheme_for_every_operation(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]
    for method, path, operation in operations(document):
        assert operation.get("security", document["security"]) == [{"bearerAuth": []}], (
            method, path)


def test_every_operation_documents_401_and_403(document):
    ops = operations(document)
    assert len(ops) >= 45
    missing = [f"{m.upper()} {p}" for m, p, op in ops if not {401, 403} <= documented_codes(op)]
    assert not missing


def test_operations_with_ids_or_bodies_document_404_and_422(document):
    for method, path, operation in operations(document):
        codes = documented_codes(operation)
        if method in ("post", "patch"):
            assert operation["requestBody"]["content"]["application/json"]["schema"], path
        if "{" in path:
            assert 404 in codes, (method, path)
        if "requestBody" in operation:
            assert {400, 422} <= codes, (method, path)


def test_every_operation_has_a_summary_and_a_tag(document):
    for method, path, operation in operations(document):
        assert operation.get("summary"), (method, path)
        assert operation.get("tags"), (method, path)


def test_path_ids_are_documented_as_32_bit_integers(document):
    for path, item in document["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"] == {"type": "integer", "minimum": 1,
                                               "maximum": MAX_ID}, path


# -- every endpoint answers with the documented codes -----------------------------------------


def test_a_user_allowed_with_valid_data_gets_the_documented_success(app, client, document,
                                                                    tokens):
    conformance = Conformance(document)
    # Deletions last, so that nothing another call needs has gone.
    for method, path, operation in sorted(operations(document), key=lambda o: o[0] == "delete"):
        name, _ = body_schema(operation, document)
        ids = fresh_ids(app, path)
        role = caller(method, path)
        response = client.open(url(path, ids), method=method,
                               headers=bearer(tokens[role]), json=valid_body(name, ids))
        conformance.check(role, method, path, response, expected=success_code(operation))
    conformance.assert_none()


def test_requests_without_a_token_get_401(app, client, document):
    seed_demo(app)
    conformance = Conformance(document)
    for method, path, operation in operations(document):
        name, _ = body_schema(operation, document)
        ids = fresh_ids(app, path)
        for label, headers in [("no token", {}), ("unknown token", bearer("ws_not-a-token")),
                               ("basic", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
                               ("empty bearer", {"Authorization": "Bearer "})]:
            response = client.open(url(path, ids), method=method, headers=headers,
                                   json=valid_body(name, ids))
            conformance.check(label, method, path, response, expected=401)
        # Authentication comes first: nothing about the request is validated for strangers.
        invalid = {"query_string": {"page": 0}}
        if name is not None:
            invalid["json"] = {"no_such_property": "\x00"}
        response = client.open(url(path, ids), method=method, **invalid)
        conformance.check("no token, invalid request", method, path, response, expected=401)
    conformance.assert_none()


@pytest.mark.parametrize("role", ["viewer", "participant", "focal_point", "consultant",
                                  "gender_unit"])
def test_other_roles_get_what_their_permissions_allow(app, client, document, tokens, role):
    conformance = Conformance(document)
    for method, path, operation in sorted(operations(document), key=lambda o: o[0] == "delete"):
        name, _ = body_schema(operation, document)
        ids = fresh_ids(app, path)
        response = client.open(url(path, ids), method=method,
                               headers=bearer(tokens[role]), json=valid_body(name, ids))
        expected = success_code(operation) if may(role, method, path) else 403
        conformance.check(role, method, path, response, expected=expected)
        if name is not None and not may(role, method, path):
            # A refused call is refused before its body is looked at.
            response = client.open(url(path, fresh_ids(app, path)), method=method,
                                   headers=bearer(tokens[role]), json={"no_such_property": 1})
            conformance.check(f"{role}, invalid body", method, path, response, expected=403)
    conformance.assert_none()


@pytest.mark.parametrize("missing", [999_999, MAX_ID, MAX_ID + 1, 10**20, 0])
def test_ids_that_do_not_exist_get_404(app, client, document, tokens, missing):
    conformance = Conformance(document)
    for method, path, operation in operations(document):
        if "{" not in path:
            continue
        name, _ = body_schema(operation, document)
        ids = dict.fromkeys(("office_id", "cycle_id", "milestone_id", "item_id", "user_id",
                             "nomination_id", "session_id", "finding_id", "gap_id",
                             "version_id", "module_id", "workshop_id", "agenda_id",
                             "plan_id", "objective_id", "activity_id", "indicator_id",
                             "number", "decision_id", "period_id", "report_id"), missing)
        response = client.open(url(path, ids), method=method,
                               headers=bearer(tokens[caller(method, path)]),
                               json=valid_body(name))
        conformance.check(f"id {missing}", method, path, response, expected=404)
    conformance.assert_none()


def test_invalid_bodies_get_422_naming_the_field(app, client, document, tokens):
    conformance = Conformance(document)
    for method, path, operation in operations(document):
        name, schema = body_schema(operation, document)
        if name is None:
            continue
        ids = fresh_ids(app, path)
        for label, request in invalid_bodies(name, schema, ids):
            response = client.open(url(path, ids), method=method,
                                   headers=bearer(tokens[caller(method, path)]), **request)
            conformance.check(label, method, path, response, expected=422)
            field = label.split(":")[0]
            if ":" in label and response.status_code == 422:
                errors = (response.get_json().get("errors") or {}).get("json", {})
                if schema.get("type") == "array":  # named at the item: {"0": {field: ...}}
                    errors = errors.get("0", {})
                if field not in errors:
                    conformance.problems.append(
                        f"{method.upper()} {path} ({label}): errors do not name {field}: "
                        f"{errors}")
    conformance.assert_none()


def test_malformed_json_gets_400(app, client, document, tokens):
    conformance = Conformance(document)
    for method, path, operation in operations(document):
        if "requestBody" not in operation:
            continue
        for label, data in [("cut short", '{"name": "x'), ("not JSON", "name=x"),
                            ("not UTF-8", b'{"name": "\xff\xfe"}')]:
            response = client.open(url(path, fresh_ids(app, path)), method=method,
                                   headers=bearer(tokens[caller(method, path)]), data=data,
                                   content_type="application/json")
            conformance.check(label, method, path, response, expected=400)
    conformance.assert_none()


def test_query_parameters_out_of_range(app, client, document, tokens):
    conformance = Conformance(document)
    cases = {
        "page": [("0", 422), ("-1", 422), ("x", 422), ("1.5", 422), (str(10**30), 200),
                 (str(2**63), 200), ("999999", 200)],
        "page_size": [("0", 422), ("101", 422), (str(10**30), 422), ("100", 200)],
        "office_id": [("1", 200), ("0", 422), (str(2**31), 422), ("x", 422)],
        "cycle_id": [("1", 200), ("0", 422), (str(2**31), 422), ("x", 422)],
        "category_id": [("1", 200), ("0", 422), (str(2**31), 422), ("x", 422)],
        "thematic_area_id": [("1", 200), ("0", 422), (str(2**31), 422), ("x", 422)],
        "priority": [("high", 200), ("urgent", 422)],
        "role": [("admin", 200), ("nobody", 422), ("admin\x00", 422)],
        "active": [("true", 200), ("maybe", 422)],
        "kind": [("office", 200), ("workshop", 422)],
        "status": [("planned", 200), ("cancelled", 422)],
        "period_id": [("0", 422), (str(2**31), 422), ("x", 422)],
        "unread": [("true", 200), ("maybe", 422)],
    }
    # Where a parameter takes other values on one path: {(path, name): cases}.
    on_path = {(f"{API}/work-plans/plans", "status"): [("approved", 200), ("planned", 422)]}
    checked = set()
    for method, path, operation in operations(document):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            checked.add(parameter["name"])
            for value, expected in on_path.get((path, parameter["name"]),
                                               cases[parameter["name"]]):
                response = client.open(url(path, fresh_ids(app, path)), method=method,
                                       headers=bearer(tokens[caller(method, path)]),
                                       query_string={parameter["name"]: value})
                conformance.check(f"{parameter['name']}={value!r}", method, path, response,
                                  expected=expected)
    assert checked == set(cases)
    conformance.assert_none()


def test_methods_a_path_does_not_have_get_405_in_json(app, client, document, tokens):
    problems = []
    for path, item in document["paths"].items():
        documented = {m.upper() for m in item if m in METHODS}
        ids = fresh_ids(app, path)
        for method in {m.upper() for m in METHODS} - documented:
            response = client.open(url(path, ids), method=method,
                                   headers=bearer(tokens["admin"]))
            allow = {m.strip() for m in response.headers.get("Allow", "").split(",")}
            if response.status_code != 405 or not is_error_body(response):
                problems.append(f"{method} {path}: {response.status_code} "
                                f"{response.get_data(as_text=True)[:100]}")
            elif allow - {"HEAD", "OPTIONS"} != documented:
                problems.append(f"{method} {path}: Allow {sorted(allow)}")
    assert not problems, "\n".join(problems)
