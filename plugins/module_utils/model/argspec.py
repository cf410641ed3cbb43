# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one walker of an Ansible argument spec outside Ansible, with two
uses:

- shape(): the raw module arguments, before AnsibleModule converts them
  (entry/runner.py). Ansible turns a list given for a str option into the
  string "['x', 'y']" (which then is a valid namespace name), and refuses a
  string given for a list of dicts without naming the option; both are
  caught here, naming the field.
- strict(): a saved topology (the boot command), where no Ansible runs:
  types without conversion (the module that saved it has converted
  already), choices, required options, no unknown keys, defaults filled in
  as AnsibleModule would.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError

_TYPES = {"str": (str,), "int": (int,), "bool": (bool,), "list": (list,), "dict": (dict,)}


def _walk(value, spec, where, check):
    """`value` (of the option `spec`, at `where`) after check(value, spec,
    where), which raises ValidationError or returns True to go on into the
    value's elements and options, False to take it as it is (a missing
    value: the option's default)."""
    if not check(value, spec, where):
        return spec.get("default") if value is None else value
    kind = spec.get("type", "str")
    if kind == "list":
        item_spec = {"type": spec.get("elements", "raw"), "options": spec.get("options")}
        return [_walk(item, item_spec, "%s[%d]" % (where, i), check)
                for i, item in enumerate(value)]
    if kind == "dict" and spec.get("options") is not None:
        return options(value, spec["options"], where + ".", check)
    return value


def options(values, spec, prefix, check):
    """Each option of `spec` in the dict `values`, walked (see _walk);
    the dict that results."""
    return dict((key, _walk(values.get(key), sub, prefix + key, check))
                for key, sub in spec.items())


def _strict(value, spec, where):
    if value is None:
        if spec.get("required"):
            raise ValidationError(where, "is required")
        return False
    kind = spec.get("type", "str")
    if kind != "raw" and (not isinstance(value, _TYPES[kind])
                          or (kind == "int" and isinstance(value, bool))):
        raise ValidationError(where, "%r is not of type %s" % (value, kind))
    if "choices" in spec and value not in spec["choices"]:
        raise ValidationError(where, "%r is not one of %s" % (value, ", ".join(spec["choices"])))
    if kind == "dict" and spec.get("options") is not None:
        unknown = sorted(set(value) - set(spec["options"]))
        if unknown:
            raise ValidationError("%s.%s" % (where, unknown[0]), "unknown option")
    return True


def strict(value, spec, where):
    """`value` checked against one argument-spec entry, strictly, with
    defaults filled in. Raises ValidationError."""
    return _walk(value, spec, where, _strict)


def _shape(value, spec, where):
    if value is None:
        return False
    kind = spec.get("type", "str")
    element = where.endswith("]")
    if kind == "str" and isinstance(value, (list, dict)):
        if element:
            raise ValidationError(where, "expected a string, got %r" % (value,))
        raise ValidationError(where, "expected a string, got a %s (%r)"
                              % ("list" if isinstance(value, list) else "dictionary", value))
    if kind == "list":
        if isinstance(value, (str, bytes)) and spec.get("elements") == "dict":
            raise ValidationError(where, "expected a list of dictionaries, got the string %r"
                                  % (value,))
        return isinstance(value, list)
    if kind == "dict" and spec.get("options") is not None:
        if not isinstance(value, dict):
            if element:
                raise ValidationError(where, "expected a dictionary, got %r" % (value,))
            return False
        return True
    return False


def shape(raw, spec):
    """What in the raw module arguments `raw` does not have the shape the
    argument spec `spec` declares, as 'field: reason', or None."""
    try:
        options(raw, spec, "", _shape)
    except ValidationError as exc:
        return str(exc)
    return None
