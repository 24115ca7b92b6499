"""LDAP group settings (Mattermost's ``LdapSettings.GroupFilter``,
``GroupDisplayNameAttribute`` and ``GroupIdAttribute``), part of the single sign-on
section (``roost.config.sso``): ``SsoFields`` inherits these."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings

# Mattermost's documented default: the group classes of AD and OpenLDAP.
DEFAULT_GROUP_FILTER = (
    "(|(objectClass=group)(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))"
)


def _ldap(key: str) -> dict[str, Any]:
    return {"mattermost": f"LdapSettings.{key}"}


class LdapGroupFields(BaseSettings):
    ldap_group_filter: str = Field(
        default="",
        max_length=1024,
        description="which directory entries (under the base DN) are groups that may be "
        "linked to Roost groups; empty: `groupOfNames`, `groupOfUniqueNames` and AD's `group`",
        json_schema_extra=_ldap("GroupFilter"),
    )
    ldap_group_display_name_attribute: str = Field(
        default="cn",
        min_length=1,
        max_length=64,
        description="a directory group's name (a linked group's display name and, made "
        "valid, its @mention name)",
        json_schema_extra=_ldap("GroupDisplayNameAttribute"),
    )
    ldap_group_id_attribute: str = Field(
        default="entryUUID",
        min_length=1,
        max_length=64,
        description="a directory group's unique, unchanging id (its `remote_id` in Roost): "
        "`entryUUID` on OpenLDAP, `objectGUID` on AD",
        json_schema_extra=_ldap("GroupIdAttribute"),
    )
    ldap_group_member_attribute: str = Field(
        default="member,uniqueMember",
        min_length=1,
        max_length=256,
        description="the group attributes that list its members, comma-separated: DNs "
        "(`member`, `uniqueMember`) are matched to users' entries, other values (`memberUid`) "
        "to their login id attribute",
    )
