// The spiffworkflow extension elements the engine reads, so bpmn-js keeps them on save:
// <spiffworkflow:properties><spiffworkflow:property name=… value=…/></…> (a user task's form)
// and <spiffworkflow:preScript>/<spiffworkflow:postScript> (script text around a task).
export default {
  name: "SpiffWorkflow",
  uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
  prefix: "spiffworkflow",
  xml: {tagAlias: "lowerCase"},
  associations: [],
  types: [
    {
      name: "Properties",
      superClass: ["Element"],
      properties: [{name: "properties", type: "Property", isMany: true}],
    },
    {
      name: "Property",
      superClass: ["Element"],
      properties: [
        {name: "name", type: "String", isAttr: true},
        {name: "value", type: "String", isAttr: true},
      ],
    },
    {
      name: "PreScript",
      superClass: ["Element"],
      properties: [{name: "value", type: "String", isBody: true}],
    },
    {
      name: "PostScript",
      superClass: ["Element"],
      properties: [{name: "value", type: "String", isBody: true}],
    },
  ],
};
