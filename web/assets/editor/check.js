// "Check": the engine's loader on the saved draft; every problem is listed with its line and
// file, and marked on the diagram (a marker class and an overlay badge on its element).

import {h} from "./dom.js";
import {t} from "./words.js";

const MARKER = "has-problem";

/** Shows a check's problems on the canvas and in a list. */
export class ProblemView {
  constructor(list, modeler, host) {
    this.list = list;
    this.modeler = modeler;
    this.host = host;
    this.marked = [];
  }

  clear() {
    const canvas = this.modeler.get("canvas");
    const registry = this.modeler.get("elementRegistry");
    for (const id of this.marked) {
      if (registry.get(id)) {
        canvas.removeMarker(id, MARKER);
      }
    }
    this.modeler.get("overlays").remove({type: "problem"});
    this.marked = [];
  }

  /** Show `problems` ([{code, text, element_id, element_name, line, file}]). */
  show(ok, problems) {
    this.clear();
    if (ok && !problems.length) {
      this.list.replaceChildren(h("p", {class: "notice notice-ok", "data-testid": "check-ok",
        text: t("check_ok")}));
      return;
    }
    const registry = this.modeler.get("elementRegistry");
    const counts = {};
    for (const problem of problems) {
      const element = problem.element_id && registry.get(problem.element_id);
      if (element) {
        counts[element.id] = (counts[element.id] || 0) + 1;
      }
    }
    for (const [id, n] of Object.entries(counts)) {
      this.modeler.get("canvas").addMarker(id, MARKER);
      this.modeler.get("overlays").add(id, "problem", {
        position: {top: -12, right: 12},
        html: h("span", {class: "problem-badge", title: t("problems_here", {n}), text: String(n)}),
      });
      this.marked.push(id);
    }
    this.list.replaceChildren(
      h("p", {class: "notice notice-error", text: t("check_found", {n: problems.length})}),
      h("ol", {class: "problem-list", "data-testid": "problems"},
        problems.map((problem) => this.item(problem, registry))));
  }

  item(problem, registry) {
    const where = [problem.file, problem.line ? t("line", {n: problem.line}) : null,
      problem.element_id ? (problem.element_name
        ? `${problem.element_id} (${problem.element_name})` : problem.element_id) : null]
      .filter(Boolean).join(" · ");
    const element = problem.element_id && registry.get(problem.element_id);
    const form = problem.file && problem.file in this.host.forms ? problem.file : null;
    const text = [h("span", {class: "problem-text", text: problem.text || problem.code}),
      // The words may already say where (web/wording.py's problem_text); then say it once.
      where && !(problem.text || "").includes(problem.file || where)
        ? h("span", {class: "problem-where", text: where}) : null];
    if (element || form) {
      return h("li", {"data-element": problem.element_id || ""},
        h("button", {type: "button", class: "problem-link", onclick: () => {
          if (element) {
            this.modeler.get("selection").select(element);
            this.modeler.get("canvas").scrollToElement(element);
          } else {
            this.host.openForm(form);
          }
        }}, ...text));
    }
    return h("li", {"data-element": problem.element_id || ""}, ...text);
  }
}
