// The draft editor: bpmn-js's Modeler over the server-side draft (files.json), with the
// properties panel, the form editor, the lane rules and Check. Saving sends the revision it
// was loaded at; when someone else saved first (409) the owner's work stays on the page until
// they choose what to do with it.

import Modeler from "bpmn-js/lib/Modeler";
import AlignElementsModule from "bpmn-js/lib/features/align-elements";
import DistributeElementsModule from "bpmn-js/lib/features/distribute-elements";

import {DraftApi} from "./api.js";
import {ProblemView} from "./check.js";
import {h} from "./dom.js";
import {FormEditor} from "./forms.js";
import snakeIds from "./ids.js";
import {LaneEditor} from "./lanes.js";
import {PropertiesPanel} from "./properties.js";
import spiffworkflow from "./spiffworkflow.js";
import {loadWords, t} from "./words.js";

// Aligning and distributing draw their icons from SVG markup with style attributes, which the
// strict CSP (no inline styles) refuses; a process owner does not need them to edit a procedure.
Modeler.prototype._modelingModules = Modeler.prototype._modelingModules
  .filter((module) => module !== AlignElementsModule && module !== DistributeElementsModule);

class DraftEditor {
  constructor(root) {
    this.root = root;
    this.api = new DraftApi(root);
    this.forms = {};
    this.lanes = {};
    this.laneRuleKinds = [];
    this.roles = [];
    this.revision = null;
    this.knownIds = new Set();
    this.dirty = false;
    this.busy = false;
    this.byId = (id) => root.querySelector(`#${id}`);
    this.modeler = new Modeler({
      container: this.byId("editor-canvas"),
      moddleExtensions: {spiffworkflow},
      additionalModules: [snakeIds],
    });
    this.properties = new PropertiesPanel(this.byId("editor-properties"), this.modeler, this);
    this.formEditor = new FormEditor(this.byId("editor-forms"), this, this.api);
    this.laneEditor = new LaneEditor(this.byId("editor-lanes"), this.modeler, this);
    this.problems = new ProblemView(this.byId("editor-problems"), this.modeler, this);
    this.modeler.on("commandStack.changed", () => this.markDirty());
    this.byId("editor-save").addEventListener("click", () => this.save());
    this.byId("editor-check").addEventListener("click", () => this.check());
    this.byId("editor-undo").addEventListener("click", () => this.modeler.get("commandStack").undo());
    this.byId("editor-redo").addEventListener("click", () => this.modeler.get("commandStack").redo());
    window.addEventListener("beforeunload", (event) => {
      if (this.dirty) {
        event.preventDefault();
        event.returnValue = ""; // the browser asks whether to leave with unsaved changes
      }
    });
  }

  // ---- what the panels ask of the editor --------------------------------------------------

  isNew(id) {
    return !this.knownIds.has(id);
  }

  formFiles() {
    return Object.keys(this.forms).sort();
  }

  openForm(file) {
    this.formEditor.open(file);
  }

  /** A new empty form for a task, named after it; returns its file name. */
  newForm(taskId, title) {
    let file = `${taskId}.json`;
    for (let n = 2; file in this.forms; n += 1) {
      file = `${taskId}_${n}.json`;
    }
    this.forms[file] = {title, type: "object", properties: {}, additionalProperties: false};
    this.formsChanged();
    return file;
  }

  formsChanged() {
    this.markDirty();
  }

  lanesChanged() {
    this.markDirty();
  }

  // ---- loading, saving, checking ----------------------------------------------------------

  status(text, kind) {
    const box = this.byId("editor-status");
    box.textContent = text;
    box.className = `editor-status${kind ? ` editor-status-${kind}` : ""}`;
  }

  markDirty() {
    this.dirty = true;
    this.byId("editor-save").disabled = this.busy;
    this.status(t("unsaved"), "dirty");
    const stack = this.modeler.get("commandStack");
    this.byId("editor-undo").disabled = !stack.canUndo();
    this.byId("editor-redo").disabled = !stack.canRedo();
  }

  markSaved(data) {
    this.dirty = false;
    this.status(t("saved_as", {revision: this.revision, by: data.updated_by || "",
      at: when(data.updated_at)}), "saved");
  }

  async load() {
    this.status(t("loading"));
    let answer;
    try {
      answer = await this.api.load();
    } catch (error) {
      this.status(t("load_failed"), "error");
      return;
    }
    if (answer.status !== 200 || !answer.data) {
      this.status((answer.data && answer.data.error) || t("load_failed"), "error");
      return;
    }
    await this.apply(answer.data);
  }

  /** Show a draft as the server has it (what was on the page is replaced). */
  async apply(data) {
    this.forms = data.forms && typeof data.forms === "object" ? data.forms : {};
    this.lanes = data.lanes && typeof data.lanes === "object" ? data.lanes : {};
    this.laneRuleKinds = data.lane_rule_kinds || [];
    this.roles = data.roles || [];
    this.revision = data.revision;
    try {
      await this.modeler.importXML(data.bpmn);
    } catch (error) {
      this.status(t("import_failed", {error: error.message}), "error");
      return;
    }
    this.knownIds = new Set(this.modeler.get("elementRegistry").getAll()
      .map((e) => e.businessObject && e.businessObject.id).filter(Boolean));
    this.fit();
    this.formEditor.open(null);
    this.laneEditor.render();
    this.byId("editor-undo").disabled = true;
    this.byId("editor-redo").disabled = true;
    this.hideConflict();
    this.markSaved(data);
  }

  /** Fit the diagram into view, leaving room on the left for the palette. */
  fit() {
    const canvas = this.modeler.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    canvas.zoom(canvas.zoom() * 0.88, "auto");
    canvas.scroll({dx: 40, dy: 0});
  }

  async payload() {
    const {xml} = await this.modeler.saveXML({format: true});
    return {revision: this.revision, bpmn: xml, forms: this.forms, lanes: this.lanes};
  }

  /** Save the draft; true when the server has it now. */
  async save() {
    if (this.busy) {
      return false;
    }
    this.busy = true;
    this.byId("editor-save").disabled = true;
    this.status(t("saving"));
    try {
      const answer = await this.api.save(await this.payload());
      if (answer.status === 200 && answer.data) {
        this.revision = answer.data.revision;
        this.hideConflict();
        this.markSaved(answer.data);
        return true;
      }
      if (answer.status === 409 && answer.data) {
        this.showConflict(answer.data);
        return false;
      }
      this.status((answer.data && answer.data.error) || t("save_failed"), "error");
      return false;
    } catch (error) {
      this.status(t("save_failed"), "error");
      return false;
    } finally {
      this.busy = false;
      this.byId("editor-save").disabled = false;
    }
  }

  showConflict(data) {
    const box = this.byId("editor-conflict");
    const reload = h("button", {type: "button", class: "button-secondary",
      text: t("conflict_reload"), onclick: () => this.reloadTheirs()});
    const overwrite = h("button", {type: "button", class: "button",
      text: t("conflict_overwrite"), onclick: () => this.saveOverTheirs()});
    box.replaceChildren(
      h("p", {text: t("conflict", {by: data.by || "?", at: when(data.at)})}),
      h("p", {text: t("conflict_kept")}),
      h("div", {class: "form-actions"}, overwrite, reload));
    box.hidden = false;
    this.status(t("not_saved"), "error");
  }

  hideConflict() {
    const box = this.byId("editor-conflict");
    box.hidden = true;
    box.replaceChildren();
  }

  async reloadTheirs() {
    this.dirty = false;
    await this.load();
  }

  /** Keep what is on the page: take the newest revision and save over it. */
  async saveOverTheirs() {
    const answer = await this.api.load();
    if (answer.status !== 200 || !answer.data) {
      this.status(t("load_failed"), "error");
      return;
    }
    this.revision = answer.data.revision;
    await this.save();
  }

  /** Save what is on the page (Check reads the stored draft), then show the engine's problems. */
  async check() {
    if (this.dirty && !(await this.save())) {
      return;
    }
    this.status(t("checking"));
    let answer;
    try {
      answer = await this.api.check();
    } catch (error) {
      this.status(t("check_failed"), "error");
      return;
    }
    if (answer.status !== 200 || !answer.data) {
      this.status((answer.data && answer.data.error) || t("check_failed"), "error");
      return;
    }
    this.problems.show(Boolean(answer.data.ok), answer.data.problems || []);
    this.status(answer.data.ok ? t("checked_ok") : t("checked_problems",
      {n: (answer.data.problems || []).length}), answer.data.ok ? "saved" : "error");
  }
}

function when(value) {
  if (!value) {
    return "";
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }
  return date.toLocaleString("en-GB", {timeZone: "Europe/Stockholm", dateStyle: "medium",
    timeStyle: "short"});
}

const root = document.getElementById("process-editor");
if (root) {
  loadWords(root);
  const editor = new DraftEditor(root);
  editor.load();
}
