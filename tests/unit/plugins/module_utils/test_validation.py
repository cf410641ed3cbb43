import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError


@pytest.mark.parametrize("name", ["eth0", "ipvl0", "a" * 15, "veth-x.1"])
def test_good_ifnames(name):
    assert v.ifname(name) == name


@pytest.mark.parametrize("name,reason", [
    ("a" * 16, "at most 15"), ("", "non-empty"), ("a/b", "'/'"), ("a b", "whitespace"),
    (".", "not a valid"), ("..", "not a valid"), ("a:b", "':'"), ("\u00e9" * 8, "16 bytes"),
])
def test_bad_ifnames_name_field_and_reason(name, reason):
    with pytest.raises(ValidationError) as exc:
        v.ifname(name, "parent")
    assert exc.value.field == "parent"
    assert reason in str(exc.value)


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../x", "x" * 256, "a\x00b"])
def test_netns_names_cannot_escape_run_netns(name):
    with pytest.raises(ValidationError) as exc:
        v.netns_name(name)
    assert exc.value.field == "netns"


def test_netns_name_limits():
    assert v.netns_name("x" * 255) == "x" * 255
    assert v.netns_name("red-test") == "red-test"


@pytest.mark.parametrize("text,expected", [
    ("10.0.0.1/24", "10.0.0.1/24"), ("10.0.0.1", "10.0.0.1/32"),
    ("2001:db8::1/64", "2001:db8::1/64"), ("2001:db8::1", "2001:db8::1/128"),
])
def test_addresses_get_host_prefix_like_iproute2(text, expected):
    assert str(v.interface_address(text)) == expected


@pytest.mark.parametrize("text", ["10.0.0.1/33", "10.0.0.300/24", "foo", "10.0.0.1/x", "::1/129"])
def test_bad_addresses(text):
    with pytest.raises(ValidationError) as exc:
        v.interface_address(text, "addresses")
    assert exc.value.field == "addresses" and text in str(exc.value)


def test_route_destinations():
    assert str(v.route_destination("default")) == "0.0.0.0/0"
    assert str(v.route_destination("default", 6)) == "::/0"
    assert str(v.route_destination("10.1.0.0/16")) == "10.1.0.0/16"
    with pytest.raises(ValidationError) as exc:
        v.route_destination("10.1.2.3/16")
    assert "10.1.0.0/16" in str(exc.value)
    with pytest.raises(ValidationError):
        v.route_destination("nonsense")
