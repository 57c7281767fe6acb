"""People's sign-in: argon2 passwords, the session cookie, CSRF, throttling, the redirect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.api.errors import InvalidInput
from gis_service.people import signin
from gis_service.people.passwords import hash_password, verify_password
from gis_service.people.throttle import retry_after
from gis_service.settings import Settings
from tests.api_helpers import app_client, bearer
from tests.people_helpers import PASSWORD, add_person, csrf_of, sign_in

PATCH = {"properties": {"intended_tenant": "某连锁超市"}}
T0 = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)


def test_passwords_are_argon2id_and_checked() -> None:
    stored = hash_password("s3cret-words")
    assert stored.startswith("$argon2id$") and "s3cret" not in stored
    assert verify_password(stored, "s3cret-words")
    assert not verify_password(stored, "s3cret-Words")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not a hash", "anything at all")


def test_weak_passwords_are_refused(session: Session) -> None:
    add_person(session, "wang", "viewer")
    with pytest.raises(InvalidInput, match="at least 8"):
        signin.set_password(session, name="wang", password="short")


@pytest.mark.parametrize(
    ("minutes_ago", "wait"),
    [
        ([1, 2, 3, 4], None),  # four failures: not yet
        ([1, 2, 3, 4, 5], 300),  # the oldest (5 min ago) leaves the 10-minute window in 5 min
        ([1, 2, 3, 4, 5, 6], 300),  # six: two must leave; the 2nd oldest leaves in 5 min
        ([1, 2, 3, 4, 11], None),  # one is older than the window
    ],
)
def test_throttle_rule(minutes_ago: list[int], wait: int | None) -> None:
    failures = [T0 - timedelta(minutes=m) for m in minutes_ago]
    assert retry_after(failures, now=T0, limit=5, window=timedelta(minutes=10)) == wait


def test_sign_in_sets_a_strict_httponly_cookie_and_goes_on(
    client: TestClient, session: Session
) -> None:
    add_person(session, "li", "investment")
    response = client.post(
        "/login",
        data={"name": "li", "password": PASSWORD, "next": "/parcels/IB-01/history"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/parcels/IB-01/history"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{signin.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test
    page = client.get("/parcels/IB-01/history").text
    assert '<span class="ys-user">li</span>' in page and "招商" in page
    assert len(csrf_of(page)) >= 40


def test_cookie_is_secure_over_https(settings: Settings, session: Session) -> None:
    add_person(session, "li", "investment")
    with app_client(settings, session, base_url="https://testserver") as https:
        response = https.post(
            "/login", data={"name": "li", "password": PASSWORD}, follow_redirects=False
        )
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["location"] == "/idle"  # the investment team's own page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_next_never_leaves_the_site(client: TestClient, session: Session, target: str) -> None:
    add_person(session, "zhao", "planner")
    response = client.post(
        "/login",
        data={"name": "zhao", "password": PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/map"


def test_wrong_password_is_401_with_the_form_again(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    response = client.post("/login", data={"name": "li", "password": "wrong password"})
    assert response.status_code == 401
    assert "名称或密码不正确" in response.text and "set-cookie" not in response.headers
    unknown = client.post("/login", data={"name": "nobody", "password": "wrong password"})
    assert unknown.status_code == 401 and "名称或密码不正确" in unknown.text


def test_five_failures_throttle_the_name_even_for_the_right_password(
    client: TestClient, session: Session
) -> None:
    add_person(session, "li", "investment")
    for _ in range(5):
        assert (
            client.post("/login", data={"name": "li", "password": "guess guess"}).status_code == 401
        )
    blocked = client.post("/login", data={"name": "li", "password": PASSWORD})
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 600
    assert "登录失败次数过多" in blocked.text and "set-cookie" not in blocked.headers


def test_five_failures_throttle_the_address_for_every_name(
    client: TestClient, session: Session
) -> None:
    add_person(session, "li", "investment")
    for n in range(5):
        client.post("/login", data={"name": f"guess{n}", "password": "guess guess"})
    assert client.post("/login", data={"name": "li", "password": PASSWORD}).status_code == 429


def test_old_failures_do_not_count(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    for _ in range(5):
        client.post("/login", data={"name": "li", "password": "guess guess"})
    session.execute(text("UPDATE signin_failure SET failed_at = failed_at - interval '11 min'"))
    back = client.post("/login", data={"name": "li", "password": PASSWORD}, follow_redirects=False)
    assert back.status_code == 303


def test_cookie_writes_need_the_csrf_token(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    csrf = sign_in(client, "li")
    etag = client.get("/api/parcels/IB-02").headers["etag"]
    refused = client.patch("/api/parcels/IB-02", json=PATCH, headers={"If-Match": etag})
    assert refused.status_code == 403 and refused.json()["field"] == "X-CSRF-Token"
    other = "y" if csrf[0] == "x" else "x"  # differs from the real first character, always
    wrong = {"If-Match": etag, "X-CSRF-Token": other + csrf[1:]}
    assert client.patch("/api/parcels/IB-02", json=PATCH, headers=wrong).status_code == 403
    good = {"If-Match": etag, "X-CSRF-Token": csrf}
    saved = client.patch("/api/parcels/IB-02", json=PATCH, headers=good)
    assert saved.status_code == 200
    last = client.get("/api/parcels/IB-02/history").json()["events"][0]
    assert last["actor"] == "li" and last["field"] == "intended_tenant"


def test_bearer_tokens_keep_working_beside_sessions(client: TestClient, session: Session) -> None:
    token = add_person(session, "li", "investment")
    etag = client.get("/api/parcels/IB-02").headers["etag"]
    headers = bearer(token) | {"If-Match": etag}
    assert client.patch("/api/parcels/IB-02", json=PATCH, headers=headers).status_code == 200


def test_sign_out_ends_the_session(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    csrf = sign_in(client, "li")
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/api/users/me").status_code == 401
    assert "登录</a>" in client.get("/parcels/IB-01/history").text


def test_a_new_password_signs_out_everywhere(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    sign_in(client, "li")
    assert client.get("/api/users/me").json()["name"] == "li"
    signin.set_password(session, name="li", password="another password")
    assert client.get("/api/users/me").status_code == 401


def test_closed_pages_send_people_to_sign_in_and_back(
    private_client: TestClient, session: Session
) -> None:
    for page in ("/map?as_of=2021-06-30", "/parcels/IB-01/history", "/idle", "/parcels/IB-01/edit"):
        response = private_client.get(page, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=/")
    assert private_client.get("/api/parcels").status_code == 401  # the JSON API keeps its 401
    login = private_client.get("/login?next=/parcels/IB-01/history")
    assert login.status_code == 200 and 'value="/parcels/IB-01/history"' in login.text
    add_person(session, "li", "investment")
    back = private_client.post(
        "/login",
        data={"name": "li", "password": PASSWORD, "next": "/parcels/IB-01/history"},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/parcels/IB-01/history"
    assert private_client.get("/parcels/IB-01/history").status_code == 200


def test_the_bar_escapes_the_user_name_on_every_page(client: TestClient, session: Session) -> None:
    name = "<img src=x onerror=alert(1)>{{ 7*7 }}"
    add_person(session, name, "planner")
    sign_in(client, name)
    for path in ("/map?as_of=2021-06-30", "/parcels/IB-01/history", "/idle"):
        page = client.get(path).text
        assert "<img src=x" not in page, path
        assert "&lt;img src=x onerror=alert(1)&gt;{{ 7*7 }}" in page, path  # never template source


def test_sign_in_posted_from_another_site_is_refused(client: TestClient, session: Session) -> None:
    add_person(session, "li", "investment")
    form = {"name": "li", "password": PASSWORD}
    elsewhere = client.post("/login", data=form, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403 and "set-cookie" not in elsewhere.headers
    own = client.post(
        "/login", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert own.status_code == 303
