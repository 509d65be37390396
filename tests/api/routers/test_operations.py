"""Operations: health, ready, version, metrics."""

from __future__ import annotations

from importlib.metadata import version


def test_health(client) -> None:
    response = client.get("/v1/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_ready_says_what_was_loaded(client, engine) -> None:
    body = client.get("/v1/ready").json()
    assert body["status"] == "ready" and body["seconds"] >= 0
    assert body["loaded"] == {"taxonomies": ["esco"], "credentials": 3,
                              "autocomplete": engine.lookup.warm()}
    assert body["loaded"]["autocomplete"]["occupations"] == 18


def test_version_has_provenance(client) -> None:
    body = client.get("/v1/version").json()
    assert body["name"] == "skillmatch" and body["version"] == version("skillmatch")
    assert body["api"] == "v1" and body["model"] == "fake-hash-256"
    assert body["linked_taxonomies"] == {"esco": "1.0"}
    assert [(t["name"], t["kind"], t["version"]) for t in body["taxonomies"]] == [
        ("esco", "custom", "1.0"), ("onet", "onet", "29.2")]


def test_metrics_count_and_time_each_route(client) -> None:
    client.get("/v1/postings/p1")
    client.get("/v1/postings/nope")
    client.get("/openapi.json")
    client.get("/v1/no/such/thing")
    response = client.get("/v1/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    # by route template, method and status: never the path asked for
    assert ('skillmatch_http_requests_total{method="GET",route="/v1/postings/{record_id}",'
            'status="200"}') in text
    assert 'route="/v1/postings/{record_id}",status="404"' in text
    assert "/v1/postings/p1" not in text and "nope" not in text
    assert 'route="/openapi.json",status="200"' in text  # a page with no API route
    assert 'route="unmatched",status="404"' in text and "no/such" not in text
    assert ('skillmatch_http_request_duration_seconds_bucket{le="0.001",method="GET",'
            'route="/v1/postings/{record_id}",status="200"}') in text
