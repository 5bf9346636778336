"""Service-account keys: a real key file gives a read-only gspread client; bad ones say why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2.service_account import Credentials as ServiceAccountCredentials

from cxbot.adapters.calendar_sources import READ_ONLY_SCOPES, service_account_client
from cxbot.ports.errors import InputError, NotFound

EMAIL = "cxbot-sync@cx-project.iam.gserviceaccount.com"


def _key_file(tmp_path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "cx-project",
                "private_key_id": "abc123",
                "private_key": pem,
                "client_email": EMAIL,
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        ),
        encoding="utf-8",
    )
    return path


def test_a_key_file_gives_a_read_only_client_and_its_email(tmp_path: Path) -> None:
    client, email = service_account_client(_key_file(tmp_path))
    assert email == EMAIL
    credentials = client.http_client.auth
    assert isinstance(credentials, ServiceAccountCredentials)
    assert tuple(credentials.scopes) == READ_ONLY_SCOPES  # read-only: it never writes the sheet


def test_missing_and_malformed_key_files(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="GOOGLE_SERVICE_ACCOUNT_FILE"):
        service_account_client(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"type": "service_account", "client_email": EMAIL}), encoding="utf-8"
    )
    with pytest.raises(InputError, match="not a service-account key file"):
        service_account_client(broken)
