// The draft's JSON endpoints: every POST carries the page's CSRF token in X-CSRFToken.

/** Client for the draft's files.json, check.json and form-preview endpoints. */
export class DraftApi {
  constructor(root) {
    this.filesUrl = root.dataset.filesUrl;
    this.checkUrl = root.dataset.checkUrl;
    this.previewUrl = root.dataset.previewUrl;
    this.csrf = root.dataset.csrf;
  }

  async load() {
    return this._send("GET", this.filesUrl);
  }

  async save(body) {
    return this._send("POST", this.filesUrl, body);
  }

  async check() {
    return this._send("POST", this.checkUrl, {});
  }

  async preview(schema, signal) {
    return this._send("POST", this.previewUrl, schema, signal);
  }

  /** {status, data}: data is the parsed JSON answer, or null when there was none. */
  async _send(method, url, body, signal) {
    const headers = {"Accept": "application/json"};
    const init = {method, headers, credentials: "same-origin", signal};
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = this.csrf;
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return {status: response.status, data};
  }
}
