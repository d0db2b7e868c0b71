"""Guessing the key: wrong keys from one address are slowed down, then blocked for longer and longer; logged."""

from __future__ import annotations

import logging

import pytest

from cvclassify.api.security import LoginThrottle
from tests.api_support import PROJECT, make_app


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def keyed(model, tmp_path):
    from fastapi.testclient import TestClient

    app = make_app(model, tmp_path / "fb.sqlite3", api_key="s3cret", admin_key="adm1n")
    clock = Clock()
    app.state.login_throttle = LoginThrottle(clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, clock


def export(client, key: str, host_header: dict | None = None):
    return client.get(f"/v1/projects/{PROJECT}/feedback/export", headers={"X-API-Key": key, **(host_header or {})})


def test_wrong_keys_are_slowed_down_then_blocked_and_logged(keyed, caplog):
    client, clock = keyed
    caplog.set_level(logging.WARNING, logger="cvclassify.api.security")
    for _ in range(LoginThrottle.FREE):
        assert export(client, "guess").status_code == 401
    refused = export(client, "s3cret")  # past the free wrong keys, even the right key must wait
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "réessayez dans 1 s" in refused.json()["detail"]
    clock.now += 1
    assert export(client, "guess").status_code == 401
    assert export(client, "s3cret").headers["Retry-After"] == "2"  # twice as long after each wrong key
    clock.now += 2
    assert export(client, "guess").status_code == 401
    assert export(client, "s3cret").headers["Retry-After"] == "4"
    attempts = sum(1 for r in caplog.records if "wrong API key" in r.getMessage())
    assert attempts == LoginThrottle.FREE + 2 and "testclient" in caplog.records[-1].getMessage()
    clock.now += 4
    assert export(client, "s3cret").status_code == 200  # the right key, once the wait is over, clears the count
    for _ in range(LoginThrottle.FREE):
        assert export(client, "guess").status_code == 401


def test_300_wrong_keys_take_hours_not_a_fraction_of_a_second(keyed):
    client, clock = keyed
    checked = 0
    while checked < 300:
        r = export(client, "guess")
        if r.status_code == 401:
            checked += 1
        else:
            assert r.status_code == 429
            clock.now += float(r.headers["Retry-After"])
    assert clock.now - 1000.0 > 3600  # the waits add up to more than an hour (capped at 15 min each)


def test_requests_without_a_key_cost_nothing_and_a_quiet_period_forgets(keyed):
    client, clock = keyed
    for _ in range(20):
        assert client.get(f"/v1/projects/{PROJECT}/feedback/export").status_code == 401
    assert export(client, "s3cret").status_code == 200
    for _ in range(LoginThrottle.FREE + 1):
        export(client, "guess")
    clock.now += LoginThrottle.FORGET + 1
    assert export(client, "s3cret").status_code == 200


def test_the_admin_key_and_the_desk_login_are_throttled_too(keyed):
    client, _ = keyed
    rollback = "/v1/projects/pas-un-projet/models/rollback"  # never the repository's own models
    for _ in range(LoginThrottle.FREE):
        assert client.post(rollback, headers={"X-Admin-Key": "guess"}).status_code == 401
    assert client.post(rollback, headers={"X-Admin-Key": "adm1n"}).status_code == 429
    page = client.post("/login", data={"key": "s3cret"})
    assert page.status_code == 429 and "réessayez dans" in page.text and "Clé d'accès" in page.text


def test_each_address_has_its_own_count():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(LoginThrottle.FREE + 3):
        throttle.failed("10.0.0.1")
    assert throttle.wait("10.0.0.1") > 0 and throttle.wait("10.0.0.2") == 0
    clock.now += LoginThrottle.MAX_WAIT + 1
    assert throttle.wait("10.0.0.1") == 0
