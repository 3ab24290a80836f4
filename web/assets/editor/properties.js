// The properties panel: what the engine reads of the selected element, edited through
// bpmn-js's modeling API (modeling.updateProperties / updateModdleProperties) so that every
// change is on the command stack and undo/redo work.

import {getBusinessObject, is} from "bpmn-js/lib/util/ModelUtil";

import {h, labelled, select, uid} from "./dom.js";
import {ID_PATTERN} from "./ids.js";
import {t} from "./words.js";

export const FORM_KEY = "formJsonSchemaFilename";
const DEFAULT_CAPABLE = ["bpmn:ExclusiveGateway", "bpmn:InclusiveGateway", "bpmn:ComplexGateway"];

/** The spiffworkflow property naming a user task's form, with the elements holding it. */
export function formProperty(bo) {
  const ext = bo.extensionElements || null;
  for (const value of (ext && ext.get("values")) || []) {
    if (is(value, "spiffworkflow:Properties")) {
      const prop = (value.get("properties") || []).find((p) => p.name === FORM_KEY);
      return {ext, props: value, prop: prop || null};
    }
  }
  return {ext, props: null, prop: null};
}

/** The panel for one selected element; `host` gives the draft's forms and opens the form editor. */
export class PropertiesPanel {
  constructor(container, modeler, host) {
    this.container = container;
    this.modeler = modeler;
    this.host = host;
    this.element = null;
    modeler.on("selection.changed", (event) => {
      const chosen = event.newSelection.length === 1 ? event.newSelection[0] : null;
      this.show(chosen);
    });
    modeler.on("commandStack.changed", () => this.show(this.element, true));
    modeler.on("import.done", () => this.show(null));
  }

  service(name) {
    return this.modeler.get(name);
  }

  /** Draw the panel for `element` (a label stands for the element it labels). */
  show(element, keepFocus) {
    if (element && element.type === "label") {
      element = element.labelTarget;
    }
    if (element && !this.service("elementRegistry").get(element.id)) {
      element = null; // it was removed (or an undo took it away)
    }
    const focused = keepFocus ? document.activeElement && document.activeElement.dataset.prop : null;
    this.element = element;
    this.container.replaceChildren(...(element ? this.sections(element) : [
      h("p", {class: "muted", text: t("select_element")}),
    ]));
    if (focused) {
      const again = this.container.querySelector(`[data-prop="${focused}"]`);
      if (again) {
        again.focus();
      }
    }
  }

  sections(element) {
    const bo = getBusinessObject(element);
    const parts = [h("h3", {class: "props-title", text: typeLabel(bo)}), this.idField(element, bo)];
    if (!is(bo, "bpmn:Process") && !is(bo, "bpmn:Collaboration")) {
      parts.push(this.nameField(element, bo));
    }
    parts.push(this.documentationField(element, bo));
    if (is(bo, "bpmn:UserTask")) {
      parts.push(this.laneField(element, bo), this.formField(element, bo));
    }
    if (is(bo, "bpmn:SequenceFlow")) {
      parts.push(this.conditionField(element, bo));
    }
    const timer = (bo.get ? bo.get("eventDefinitions") || [] : [])
      .find((d) => is(d, "bpmn:TimerEventDefinition"));
    if (timer) {
      parts.push(...this.timerFields(element, timer));
    }
    if (DEFAULT_CAPABLE.some((type) => is(bo, type))) {
      parts.push(this.defaultFlowField(element, bo));
    }
    if (is(bo, "bpmn:Lane")) {
      parts.push(h("p", {class: "prop-hint", text: t("lane_rule_below")}));
    }
    return parts;
  }

  idField(element, bo) {
    const id = uid("prop-id");
    if (!this.host.isNew(bo.id)) {
      return h("div", {class: "prop"}, h("span", {class: "prop-label", text: t("id")}),
        h("code", {class: "prop-id", "data-testid": "element-id", text: bo.id}));
    }
    const message = h("p", {class: "prop-error", role: "alert"});
    const input = h("input", {id, value: bo.id, "data-prop": "id", spellcheck: "false",
      autocomplete: "off", onchange: () => {
        const value = input.value.trim();
        const problem = this.idProblem(bo, value);
        message.textContent = problem || "";
        if (!problem && value !== bo.id) {
          this.service("modeling").updateProperties(element, {id: value});
        }
      }});
    return h("div", {class: "prop"}, h("label", {for: id, text: t("id")}), input,
      h("p", {class: "prop-hint", text: t("id_hint")}), message);
  }

  idProblem(bo, value) {
    if (!ID_PATTERN.test(value)) {
      return t("id_not_snake");
    }
    if (value !== bo.id && this.service("elementRegistry").get(value)) {
      return t("id_taken", {id: value});
    }
    return null;
  }

  nameField(element, bo) {
    const input = h("input", {id: uid("prop-name"), value: bo.name || "", "data-prop": "name",
      onchange: () => this.service("modeling").updateLabel(element, input.value.trim() || null)});
    return labelled(t("name"), input);
  }

  documentationField(element, bo) {
    const docs = bo.get("documentation") || [];
    const text = docs.length ? docs[0].text || "" : "";
    const area = h("textarea", {id: uid("prop-doc"), rows: 4, "data-prop": "documentation",
      onchange: () => {
        const value = area.value.trim();
        const documentation = value
          ? [this.service("moddle").create("bpmn:Documentation", {text: value})] : [];
        this.service("modeling").updateProperties(element, {documentation});
      }});
    area.value = text;
    return labelled(t("documentation"), area);
  }

  lanes() {
    return this.service("elementRegistry").filter((e) => is(e, "bpmn:Lane"));
  }

  laneField(element, bo) {
    const lanes = this.lanes();
    const current = lanes.find((lane) =>
      (getBusinessObject(lane).get("flowNodeRef") || []).includes(bo));
    const options = [["", t("no_lane")], ...lanes.map((lane) => [lane.id,
      getBusinessObject(lane).name || lane.id])];
    const control = select(uid("prop-lane"), options, current ? current.id : "", () => {
      const target = lanes.find((lane) => lane.id === control.value);
      if (target) {
        this.moveToLane(element, target);
      }
    });
    control.dataset.prop = "lane";
    return labelled(t("lane"), control, t("lane_hint"));
  }

  /** Move the task vertically into the lane's middle; bpmn-js updates the lane's flowNodeRefs. */
  moveToLane(element, lane) {
    const dy = Math.round(lane.y + lane.height / 2 - (element.y + element.height / 2));
    if (dy !== 0) {
      this.service("modeling").moveElements([element], {x: 0, y: dy});
    }
  }

  formField(element, bo) {
    const {prop} = formProperty(bo);
    const chosen = prop ? prop.value || "" : "";
    const files = this.host.formFiles();
    const options = [["", t("no_form")], ...files.map((f) => [f, f])];
    if (chosen && !files.includes(chosen)) {
      options.push([chosen, t("form_missing", {file: chosen})]);
    }
    options.push(["__new__", t("new_form")]);
    const control = select(uid("prop-form"), options, chosen, () => {
      let file = control.value;
      if (file === "__new__") {
        file = this.host.newForm(bo.id, bo.name || bo.id);
      }
      if (file) {
        this.setForm(element, file);
        this.host.openForm(file);
      }
    });
    control.dataset.prop = "form";
    const open = h("button", {type: "button", class: "button-secondary button-small",
      text: t("edit_form"), disabled: !chosen || !files.includes(chosen),
      onclick: () => this.host.openForm(chosen)});
    return h("div", {class: "prop"}, h("label", {for: control.id, text: t("form")}),
      h("div", {class: "prop-line"}, control, open));
  }

  /** Point the task's spiffworkflow:property formJsonSchemaFilename at `file`. */
  setForm(element, file) {
    const modeling = this.service("modeling");
    const moddle = this.service("moddle");
    let {ext, props, prop} = formProperty(element.businessObject);
    if (prop) {
      modeling.updateModdleProperties(element, prop, {value: file});
      return;
    }
    if (!ext) {
      ext = moddle.create("bpmn:ExtensionElements", {values: []});
      modeling.updateProperties(element, {extensionElements: ext});
    }
    if (!props) {
      props = moddle.create("spiffworkflow:Properties", {properties: []});
      modeling.updateModdleProperties(element, ext, {values: [...ext.get("values"), props]});
    }
    prop = moddle.create("spiffworkflow:Property", {name: FORM_KEY, value: file});
    modeling.updateModdleProperties(element, props,
      {properties: [...props.get("properties"), prop]});
  }

  conditionField(element, bo) {
    const source = bo.sourceRef;
    if (source && source.default === bo) {
      return h("p", {class: "prop-hint", text: t("default_flow_no_condition")});
    }
    const area = h("textarea", {id: uid("prop-condition"), rows: 3, spellcheck: "false",
      class: "code", "data-prop": "condition", onchange: () => {
        const value = area.value.trim();
        const conditionExpression = value
          ? this.service("moddle").create("bpmn:FormalExpression", {body: value}) : undefined;
        this.service("modeling").updateProperties(element, {conditionExpression});
      }});
    area.value = bo.conditionExpression ? bo.conditionExpression.body || "" : "";
    return labelled(t("condition"), area, t("condition_hint"));
  }

  timerFields(element, timer) {
    const kinds = ["timeDuration", "timeDate", "timeCycle"];
    const kind = kinds.find((k) => timer.get(k)) || "timeDuration";
    const current = timer.get(kind);
    const options = [["timeDuration", t("timer_duration")], ["timeDate", t("timer_date")]];
    if (kind === "timeCycle") {
      options.push(["timeCycle", t("timer_cycle")]);
    }
    const area = h("textarea", {id: uid("prop-timer"), rows: 2, spellcheck: "false",
      class: "code", "data-prop": "timer"});
    area.value = current ? current.body || "" : "";
    const apply = () => {
      const value = area.value.trim();
      const changes = {timeDuration: undefined, timeDate: undefined, timeCycle: undefined};
      changes[kindControl.value] = value
        ? this.service("moddle").create("bpmn:FormalExpression", {body: value}) : undefined;
      this.service("modeling").updateModdleProperties(element, timer, changes);
    };
    const kindControl = select(uid("prop-timer-kind"), options, kind, apply);
    kindControl.dataset.prop = "timer-kind";
    area.addEventListener("change", apply);
    return [labelled(t("timer_kind"), kindControl),
      labelled(t("timer_expression"), area, t("timer_hint"))];
  }

  defaultFlowField(element, bo) {
    const flows = bo.get("outgoing") || [];
    const options = [["", t("no_default")], ...flows.map((f) => [f.id, f.name || f.id])];
    const control = select(uid("prop-default"), options, bo.default ? bo.default.id : "", () => {
      const flow = flows.find((f) => f.id === control.value);
      this.service("modeling").updateProperties(element, {default: flow || undefined});
    });
    control.dataset.prop = "default";
    return labelled(t("default_flow"), control, t("default_flow_hint"));
  }
}

function typeLabel(bo) {
  const type = (bo.$type || "").replace(/^[^:]*:/, "");
  return t(`type_${type}`) === `type_${type}` ? type.replace(/([a-z])([A-Z])/g, "$1 $2")
    : t(`type_${type}`);
}
