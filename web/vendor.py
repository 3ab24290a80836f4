"""bpmn-js served from the npm install (node_modules), never copied into the repo or a CDN;
our own bundles (built with esbuild from npm packages at set-up, into build/) likewise."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")
# Only the viewer and its style sheets and font: nothing else under node_modules is served.
ALLOWED = ("bpmn-navigated-viewer.production.min.js", "assets/diagram-js.css",
           "assets/bpmn-js.css")
ALLOWED_PREFIX = "assets/bpmn-font/"
# The draft editor's bundle (`npm run build`, run by `make setup`): the one file of its folder.
EDITOR_BUNDLE = "modeler.js"


@bp.get("/bpmn-js/<path:filename>")
def bpmn_js(filename: str):
    """One file of bpmn-js's dist folder (404 when npm ci has not been run)."""
    if filename not in ALLOWED and not filename.startswith(ALLOWED_PREFIX):
        abort(404)
    # send_from_directory refuses paths that leave the folder ('..', absolute paths).
    return send_from_directory(current_app.config["BPMN_JS_DIST"], filename, max_age=86400)


# Bundles `npm run build` writes (web/assets/<name>/<name>.js -> build/assets/<name>.js).
BUNDLES = ("compare.js",)


@bp.get("/build/<filename>")
def bundle(filename: str):
    """One of our bundles (404 when it has not been built)."""
    if filename not in BUNDLES:
        abort(404)
    return send_from_directory(current_app.config["ASSETS_BUILD_DIR"], filename, max_age=86400)


@bp.get("/editor/modeler.js")
def editor_bundle():
    """The draft editor's bundle (404 when it has not been built)."""
    return send_from_directory(current_app.config["EDITOR_BUILD"], EDITOR_BUNDLE, max_age=86400)


def editor_bundle_version() -> str | None:
    """A token that changes with every build (for the bundle's URL), or None when it is missing."""
    path = Path(current_app.config["EDITOR_BUILD"]) / EDITOR_BUNDLE
    try:
        return str(int(path.stat().st_mtime))
    except OSError:
        return None
