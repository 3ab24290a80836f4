// New elements get readable snake_case ids (user_task_1x2y3z), never bpmn-js's
// Activity_0abc12 defaults: the engine and the people reading diagrams expect snake_case.

const SHORT = {SequenceFlow: "flow", MessageFlow: "message_flow"};

/** "UserTask" -> "user_task". */
export function snake(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The pattern ids must follow. */
export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;

function SnakeIds(bpmnFactory) {
  const original = bpmnFactory._ensureId.bind(bpmnFactory);
  bpmnFactory._ensureId = function (element) {
    if (!element.id && this._needsId(element)) {
      const type = (element.$type || "").replace(/^[^:]*:/, "");
      const prefix = SHORT[type] || snake(type);
      element.id = this._model.ids.nextPrefixed(`${prefix}_`, element);
      return;
    }
    original(element);
  };
}

SnakeIds.$inject = ["bpmnFactory"];

export default {
  __init__: ["snakeIds"],
  snakeIds: ["type", SnakeIds],
};
