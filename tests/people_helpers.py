"""Helpers of the sign-in tests: people with passwords, signing in through the real form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.api import auth
from gis_service.people import signin

PASSWORD = "correct horse 1"
_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')


def add_person(session: Session, name: str, role: str, password: str = PASSWORD) -> str:
    """A user who can sign in with a password; returns their API token too."""
    _, token = auth.create_user(session, name=name, role=role)
    signin.set_password(session, name=name, password=password)
    return token


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through POST /login (the client keeps the cookie); the page's CSRF token."""
    response = client.post(
        "/login", data={"name": name, "password": password, "next": "/map"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/parcels/IB-01/history").text)


def csrf_of(page: str) -> str:
    """The CSRF token a page carries in its meta tag."""
    match = _META.search(page)
    assert match is not None, "the page has no csrf-token meta tag"
    return match.group(1)
