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
        return {}, [Problem("lanes.not_an_object", file="lanes.json")]
    rules, problems = {}, []
    for lane_id, entry in raw.items():
        rule, problem = _parse_rule(lane_id, entry)
        if problem:
            code, params = problem
            problems.append(Problem(code, {"lane": lane_id, **params}, element_id=lane_id,
                                    file="lanes.json"))
        else:
            rules[lane_id] = rule
    return rules, problems


def _parse_rule(lane_id: str, entry: Any) -> tuple[LaneRule | None, tuple[str, dict] | None]:
    """A lane's rule, or the code and params of what is wrong with it."""
    if not isinstance(entry, dict) or entry.get("rule") not in RULES:
        return None, ("lanes.rule_missing", {"rules": list(RULES)})
    unknown = set(entry) - {"rule", "role"}
    if unknown:
        return None, ("lanes.unknown_keys", {"keys": sorted(unknown)})
    if entry["rule"] == "role":
        role = entry.get("role")
        if not isinstance(role, str) or not role:
            return None, ("lanes.role_missing", {})
        return LaneRule("role", role), None
    if "role" in entry:
        return None, ("lanes.role_not_taken", {})
    return LaneRule(entry["rule"]), None
