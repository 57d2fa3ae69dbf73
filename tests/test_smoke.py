from tests.factories import OfficeFactory, make_user


def test_home_redirects_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_admin_sees_the_users_list(app, client, auth):
    with app.app_context():
        office = OfficeFactory()
        admin = make_user("admin")
        make_user("focal_point", office=office, name="Grace Focal")
        from workshop.extensions import db

        db.session.commit()
        auth.login(admin)
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert "Grace Focal" in page.text
