"""Channels: the hosts an account address may be on, and the name a channel is called by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from engine.errors import Message

from ._contract import REGISTER_TASK

REGISTRATION_TASK = "registration_form"
OTHER = "Other"  # the choice that asks for the channel's name instead

# Per channel of define_account's list, the hosts its accounts live on (subdomains included).
# A channel not listed (Mastodon is run on many servers, "Other" is anything) takes any host.
CHANNEL_HOSTS: dict[str, tuple[str, ...]] = {
    "Facebook": ("facebook.com", "fb.com"),
    "Instagram": ("instagram.com",),
    "LinkedIn": ("linkedin.com",),
    "X": ("x.com", "twitter.com"),
    "YouTube": ("youtube.com", "youtu.be"),
    "TikTok": ("tiktok.com",),
    "Bluesky": ("bsky.app",),
    "Threads": ("threads.net", "threads.com"),
}

# The address fields of the request, per task.
ADDRESS_FIELDS = ((REGISTRATION_TASK, "account_url"), (REGISTER_TASK, "registered_url"))

# Codes of the messages below (code -> params), worded by the web.
ADDRESS_CODES: dict[str, tuple[str, ...]] = {
    "address.not_https": (),  # an account address is given over https only
    "address.not_on_channel": ("channel",),  # the address is on another site than the channel
}


def named_channel(data: Mapping[str, Any]) -> str:
    """The channel as people call it: the name given for "Other", else the chosen channel."""
    channel = str(data.get("channel") or "")
    name = str(data.get("channel_name") or "").strip()
    return name if channel == OTHER and name else channel


def address_problems(task_name: str, data: Mapping[str, Any],
                     earlier: Mapping[str, Any]) -> dict[str, list[Message]]:
    """Per address field of this submission: not https, or not on the channel chosen earlier."""
    channel = str(earlier.get("channel") or data.get("channel") or "")
    found: dict[str, list[Message]] = {}
    for task, name in ADDRESS_FIELDS:
        value = data.get(name)
        if task != task_name or not isinstance(value, str) or not value.strip():
            continue
        problem = _problem(value.strip(), channel)
        if problem is not None:
            found[name] = [problem]
    return found


def _problem(address: str, channel: str) -> Message | None:
    try:
        parts = urlsplit(address)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return None  # not an address at all: the form's own format check says so
    if not host:
        return None
    if parts.scheme.lower() != "https":
        return Message("address.not_https")
    hosts = CHANNEL_HOSTS.get(channel)
    # A host is the channel's own or one of its subdomains (www., m.); "evilinstagram.com"
    # and "instagram.com.example.org" are not.
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        return Message("address.not_on_channel", {"channel": channel})
    return None
