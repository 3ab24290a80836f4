"""Building the app: over an engine passed in, or over one built from the environment."""

from __future__ import annotations

import shutil

from web import create_app

CONFIG = {"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
          "RATELIMIT_ENABLED": False}


def test_the_app_uses_the_engine_it_is_given(engine):
    engine.users.create("nina", "Nina New", "nina@ki.se", "a long password", ["staff"])
    client = create_app(CONFIG, engine=engine).test_client()
    response = client.post("/login", data={"username": "nina", "password": "a long password"})
    assert response.status_code == 303, "a person only the given engine knows signs in"


def test_without_an_engine_the_app_builds_one_from_the_environment(
        tmp_path, seeded_database, monkeypatch):
    path = tmp_path / "from-env.db"
    shutil.copyfile(seeded_database, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    app = create_app(CONFIG)
    response = app.test_client().post(
        "/login", data={"username": "staff", "password": "kontoflode-demo"})
    assert response.status_code == 303, response.get_data(as_text=True)
