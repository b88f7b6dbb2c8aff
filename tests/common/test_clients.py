"""The client as every limit counts it: behind the trusted proxies, an IPv6 client's /64."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from common.clients import client_key, client_network


def request(address: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=address, **extra)


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not an address", "not an address"),
    ],
)
def test_an_address_is_counted_as_the_network_its_owner_holds(address, network):
    assert client_network(request(address)) == network


def test_every_address_of_one_ipv6_64_shares_one_bucket_and_the_next_64_has_its_own():
    one = client_key("g", request("2001:db8:1:2::1"))
    same = client_key("g", request("2001:db8:1:2:ffff:ffff:ffff:fffe"))
    next_64 = client_key("g", request("2001:db8:1:3::1"))

    assert one == same != next_64


def test_ipv4_clients_next_to_each_other_are_apart():
    assert client_key("g", request("203.0.113.7")) != client_key("g", request("203.0.113.8"))


def test_behind_a_trusted_proxy_the_network_is_the_forwarded_clients(settings):
    settings.CONTACTS_TRUSTED_PROXIES = 1

    seen = client_network(request("10.0.0.1", forwarded="2001:db8:5:6::9"))

    assert seen == "2001:db8:5:6::"


def test_the_staff_lockout_reads_the_client_through_the_same_rule(settings):
    from axes.helpers import get_client_ip_address

    settings.CONTACTS_TRUSTED_PROXIES = 1

    seen = get_client_ip_address(request("10.0.0.1", forwarded="203.0.113.9"))

    assert seen == "203.0.113.9"
