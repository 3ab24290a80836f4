"""Lane rules (lanes.json): who may act in each lane, as rules rather than people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import Problem

RULES = ("initiator", "manager_of_initiator", "role")


@dataclass(frozen=True)
class LaneRule:
    """One lane's rule: the initiator, the initiator's manager, or anyone holding a role."""

    kind: str
    role: str | None = None


def parse_lane_rules(raw: Any) -> tuple[dict[str, LaneRule], list[Problem]]:
    """Read lanes.json: {lane_id: {"rule": ..., "role": ...}}; return the rules and any problems."""
    if not isinstance(raw, dict):
        return {}, [Problem("lanes.json must be an object keyed by lane id", file="lanes.json")]
    rules, problems = {}, []
    for lane_id, entry in raw.items():
        rule, problem = _parse_rule(lane_id, entry)
        if problem:
            problems.append(Problem(problem, element_id=lane_id, file="lanes.json"))
        else:
            rules[lane_id] = rule
    return rules, problems


def _parse_rule(lane_id: str, entry: Any) -> tuple[LaneRule | None, str | None]:
    if not isinstance(entry, dict) or entry.get("rule") not in RULES:
        return None, f"lane '{lane_id}' needs a rule, one of: {', '.join(RULES)}"
    unknown = set(entry) - {"rule", "role"}
    if unknown:
        return None, f"lane '{lane_id}' has unknown keys: {', '.join(sorted(unknown))}"
    if entry["rule"] == "role":
        role = entry.get("role")
        if not isinstance(role, str) or not role:
            return None, f"lane '{lane_id}' has rule 'role' but names no role"
        return LaneRule("role", role), None
    if "role" in entry:
        return None, f"lane '{lane_id}': only the 'role' rule takes a role"
    return LaneRule(entry["rule"]), None
