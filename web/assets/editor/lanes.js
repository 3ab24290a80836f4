// Lane rules (lanes.json): for each lane of the diagram, one of the rule kinds the engine knows
// (the initiator, the initiator's manager, anyone holding a role), with the role chosen from the
// engine's roles.

import {getBusinessObject, is} from "bpmn-js/lib/util/ModelUtil";

import {h, labelled, select, uid} from "./dom.js";
import {t} from "./words.js";

/** The lane rule editor over `host.lanes` ({lane_id: {rule, role?}}). */
export class LaneEditor {
  constructor(container, modeler, host) {
    this.container = container;
    this.modeler = modeler;
    this.host = host;
    modeler.on("import.done", () => this.render());
    modeler.on("commandStack.changed", () => this.render());
  }

  render() {
    const lanes = this.modeler.get("elementRegistry").filter((e) => is(e, "bpmn:Lane"));
    const ids = new Set(lanes.map((lane) => lane.id));
    const rows = lanes.map((lane) => this.row(lane.id, getBusinessObject(lane).name || lane.id));
    const strays = Object.keys(this.host.lanes).filter((id) => !ids.has(id))
      .map((id) => this.stray(id));
    this.container.replaceChildren(
      rows.length ? h("ul", {class: "lane-list"}, rows)
        : h("p", {class: "muted", text: t("no_lanes")}),
      ...(strays.length ? [h("h4", {text: t("lanes_not_in_diagram")}),
        h("ul", {class: "lane-list"}, strays)] : []));
  }

  row(laneId, name) {
    const rule = this.host.lanes[laneId] || {};
    const kinds = [["", t("no_rule")], ...this.host.laneRuleKinds.map((k) => [k, t(`rule_${k}`)])];
    const kind = select(uid("lane-rule"), kinds, rule.rule || "", () => {
      this.update(laneId, kind.value, rule.role);
    });
    const parts = [h("span", {class: "lane-name", text: name}),
      h("code", {class: "prop-id", text: laneId}), labelled(t("lane_rule"), kind)];
    if (rule.rule === "role") {
      const roles = [["", t("choose_role")], ...this.host.roles.map((r) => [r, r])];
      if (rule.role && !this.host.roles.includes(rule.role)) {
        roles.push([rule.role, t("unknown_role", {role: rule.role})]);
      }
      const role = select(uid("lane-role"), roles, rule.role || "", () => {
        this.update(laneId, "role", role.value);
      });
      parts.push(labelled(t("lane_role"), role));
    }
    return h("li", {class: "lane-row", "data-lane": laneId}, ...parts);
  }

  stray(laneId) {
    return h("li", {class: "lane-row", "data-lane": laneId},
      h("code", {class: "prop-id", text: laneId}),
      h("button", {type: "button", class: "button-quiet button-remove", text: t("remove_rule"),
        onclick: () => {
          delete this.host.lanes[laneId];
          this.host.lanesChanged();
          this.render();
        }}));
  }

  update(laneId, kind, role) {
    if (!kind) {
      delete this.host.lanes[laneId];
    } else if (kind === "role") {
      this.host.lanes[laneId] = role ? {rule: "role", role} : {rule: "role"};
    } else {
      this.host.lanes[laneId] = {rule: kind};
    }
    this.host.lanesChanged();
    this.render();
  }
}
