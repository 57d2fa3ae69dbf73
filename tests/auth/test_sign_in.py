"""Signing in and out, CSRF protection, the sign-in rate limit, passwords and tokens."""

import re

from tests.factories import PASSWORD, make_user
from workshop.auth.models import User
from workshop.extensions import db


def _csrf(client, path="/sign-in") -> str:
    page = client.get(path)
    return re.search(r'name="[\w-]*csrf_token"[^>]*value="([^"]+)"', page.text).group(1)


def _sign_in(client, email, password, token=None):
    return client.post("/sign-in", data={"csrf_token": token or _csrf(client), "email": email,
                                         "password": password})


def test_sign_in_and_out(app, client):
    with app.app_context():
        make_user("viewer", email="reader@example.org", name="Rosa Reader")
        db.session.commit()
    response = _sign_in(client, "Reader@Example.org ", PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert "Welcome, Rosa Reader" in home.text
    client.post("/sign-out", data={"csrf_token": _csrf(client, "/")})
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_next_to_the_field_and_keeps_the_email(app, client):
    with app.app_context():
        make_user("viewer", email="reader@example.org")
        db.session.commit()
    response = _sign_in(client, "reader@example.org", "not-the-password")
    assert response.status_code == 200
    assert "The e-mail address or the password is not right." in response.text
    assert 'value="reader@example.org"' in response.text
    assert 'id="password-error"' in response.text


def test_a_form_without_its_csrf_token_is_refused(app, client):
    with app.app_context():
        make_user("viewer", email="reader@example.org")
        db.session.commit()
    response = client.post("/sign-in", data={"email": "reader@example.org",
                                             "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_posting_to_an_admin_form_without_csrf_changes_nothing(app, client, auth):
    with app.app_context():
        admin = make_user("admin")
        db.session.commit()
        auth.login(admin)
    response = client.post("/admin/offices/new", data={"name": "Sneaky", "acronym": "SNK"})
    assert response.status_code == 400
    assert "Sneaky" not in client.get("/admin/offices").text


def test_sign_in_is_rate_limited(app, client):
    with app.app_context():
        make_user("viewer", email="reader@example.org")
        db.session.commit()
    token = _csrf(client)
    statuses = [_sign_in(client, "reader@example.org", "wrong", token).status_code
                for _ in range(6)]
    assert statuses[:5] == [200] * 5
    assert statuses[5] == 429
    blocked = _sign_in(client, "reader@example.org", PASSWORD, token)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.text


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(app, client, auth):
    with app.app_context():
        user = make_user("viewer", email="leaver@example.org")
        db.session.commit()
        auth.login(user)
        assert client.get("/").status_code == 200
        user = db.session.get(User, user.id)
        from workshop.auth.services import update_user

        update_user(user, active=False)
        db.session.commit()
    assert client.get("/").status_code == 302
    refused = _sign_in(client, "leaver@example.org", PASSWORD)
    assert "not right" in refused.text


def test_an_admin_reset_forces_a_new_password(app, client, auth):
    with app.app_context():
        admin = make_user("admin", email="admin@example.org")
        user = make_user("viewer", email="reader@example.org")
        db.session.commit()
        user_id = user.id
        auth.login(admin)
    token = _csrf(client, f"/admin/users/{user_id}")
    response = client.post(f"/admin/users/{user_id}/reset-password",
                           data={"csrf_token": token, "password": "temporary-pass-42"})
    assert response.status_code == 302
    auth.logout()
    _sign_in(client, "reader@example.org", "temporary-pass-42")
    nudged = client.get("/admin/users")
    assert nudged.status_code == 302 and "/profile" in nudged.headers["Location"]
    token = _csrf(client, "/profile")
    short = client.post("/profile/password", data={
        "pw-csrf_token": token, "pw-current_password": "temporary-pass-42",
        "pw-password": "short", "pw-confirm": "short"})
    assert short.status_code == 422
    assert "Use at least 10 characters." in short.text
    done = client.post("/profile/password", data={
        "pw-csrf_token": token, "pw-current_password": "temporary-pass-42",
        "pw-password": "my-own-passphrase", "pw-confirm": "my-own-passphrase"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200


def test_tokens_are_shown_once_and_can_be_revoked(app, client, auth):
    with app.app_context():
        user = make_user("viewer", email="reader@example.org")
        db.session.commit()
        auth.login(user)
    token = _csrf(client, "/profile")
    client.post("/profile/tokens", data={"tk-csrf_token": token, "tk-name": "Dashboard"})
    page = client.get("/profile")
    secret = re.search(r'id="new-token-value" readonly value="([^"]+)"', page.text).group(1)
    assert "wsk_" in secret
    assert secret not in client.get("/profile").text  # shown once only
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json["email"] == "reader@example.org"
    with app.app_context():
        token_id = db.session.get(User, user.id).tokens[0].id
    client.post(f"/profile/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
                      ).status_code == 401


def test_next_only_leads_to_this_site(app, client):
    with app.app_context():
        make_user("viewer", email="reader@example.org")
        db.session.commit()
    token = _csrf(client)
    response = client.post("/sign-in?next=https://evil.example/", data={
        "csrf_token": token, "email": "reader@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"
