"""The settings' Mattermost tags (roost.config.mattermost) and the live overlay
(roost.app.kernel.live_config)."""

from __future__ import annotations

import re

from roost.app.kernel.live_config import LiveConfig, LiveSection, install
from roost.config import ServingSettings, Settings
from roost.config.mattermost import (
    DEPLOYMENT,
    TENANT,
    config_keys,
    environment_document,
    to_document,
)
from roost.tenancy.scope import tenant_scope

PATH = re.compile(r"^[A-Z][A-Za-z0-9]*Settings\.[A-Z][A-Za-z0-9]*$")


def test_every_tag_names_one_mattermost_path() -> None:
    keys = config_keys()
    assert len(keys) >= 40
    paths = [k.path for k in keys]
    assert len(paths) == len(set(paths)), "two settings share a Mattermost path"
    for key in keys:
        assert PATH.match(key.path), key.path
        assert key.field in Settings.model_fields
        assert key.scope in (TENANT, DEPLOYMENT)
        # A per-tenant value read only at start-up could not differ between tenants.
        assert key.live or key.scope == DEPLOYMENT, key.path


def test_secrets_are_tagged_and_masked() -> None:
    secrets = {k.path for k in config_keys() if k.secret}
    assert {"SqlSettings.DataSource", "FileSettings.PublicLinkSalt"} <= secrets
    doc = to_document({"public_link_salt": "x" * 40, "site_name": "Roost"})
    assert doc == {
        "FileSettings": {"PublicLinkSalt": "********"},
        "TeamSettings": {"SiteName": "Roost"},
    }
    # An empty secret shows as empty (nothing to hide, and the console shows it unset).
    assert to_document({"public_link_salt": ""}) == {"FileSettings": {"PublicLinkSalt": ""}}


def test_the_environment_document_marks_what_the_environment_sets() -> None:
    doc = environment_document(frozenset({"site_url", "max_post_size"}))
    assert doc == {"ServiceSettings": {"SiteURL": True, "MaxPostSize": True}}


def test_live_sections_read_the_tenants_then_the_deployments_value() -> None:
    settings = Settings(site_name="Base")
    live = install(settings)
    assert install(settings) is live  # once per Settings
    assert isinstance(settings._sections[ServingSettings], LiveSection)
    assert "site_name" in live.fixed  # given to the constructor: fixed
    live = LiveConfig(Settings())
    live.apply("", {"max_post_size": 100}, 1)
    live.apply("t1", {"max_post_size": 50}, 1)
    section = LiveSection(Settings().posts, live)
    assert section.max_post_size == 100  # no tenant in scope: the deployment's
    with tenant_scope("t1"):
        assert section.max_post_size == 50
    with tenant_scope("t2"):
        assert section.max_post_size == 100
    # An older version (a late event) changes nothing; a newer one applies.
    assert not live.apply("t1", {"max_post_size": 10}, 1)
    assert live.apply("t1", {}, 2)
    with tenant_scope("t1"):
        assert section.max_post_size == 100
    assert live.effective("t1")["max_post_size"] == 100
    assert live.config_hash("t1") == live.config_hash("t2")
