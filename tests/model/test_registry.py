"""The component registry: explicit build order, integer decisions by name, presence."""

import pytest
from tiny import tiny_data, tiny_phs

from optimizer.model.build import build_model
from optimizer.model.registry import COMPONENTS, integer_decisions, present


def test_build_order_is_the_registry_order():
    """The core technologies first, in this order; others follow them."""
    assert [c.name for c in COMPONENTS][:6] == [
        "land", "pv", "compute", "pumped_hydro", "battery", "site",
    ]  # fmt: skip


def test_integer_decisions_by_name_and_presence():
    data = tiny_data([1.0] * 4)
    m = build_model(data)
    assert list(integer_decisions(m)) == ["land.buy", "compute.count"]
    assert not present(m, "pumped_hydro") and not present(m, "battery")
    data.phs = tiny_phs()
    m = build_model(data)
    decisions = integer_decisions(m)
    assert list(decisions) == ["land.buy", "compute.count", "pumped_hydro.build"]
    assert decisions["pumped_hydro.build"] is m.phs.build
    assert m.zopt_components == ["land", "pv", "compute", "pumped_hydro"]


def test_every_component_price_key_is_known_with_its_unit():
    from optimizer.inputs.prices import load_prices, price_schema

    schema = price_schema()
    for c in COMPONENTS:
        for key, unit, *_ in c.prices:
            assert schema[key][0] == unit, (c.name, key)
    prices, problems = load_prices()
    assert not problems and set(schema) <= set(prices)


def test_build_model_refuses_an_integer_no_rounding_covers(monkeypatch):
    """A component adding an integer variable it does not declare (or declares without a
    rounding) is refused: the search could not fix it in its exact evaluations."""
    from dataclasses import replace

    import pyomo.environ as pyo

    from optimizer.model import registry

    def add_loose(m, data):
        m.loose = pyo.Block()
        m.loose.n = pyo.Var(domain=pyo.NonNegativeIntegers)

    loose = registry.Component("loose", "loose", add_loose)
    monkeypatch.setattr(registry, "COMPONENTS", [*registry.COMPONENTS, loose])
    with pytest.raises(ValueError, match="loose.n have no rounding"):
        build_model(tiny_data([1.0] * 4))
    declared = replace(loose, integers=("n",))  # declared, still no rounding
    monkeypatch.setattr(registry, "COMPONENTS", [*registry.COMPONENTS[:-1], declared])
    with pytest.raises(ValueError, match="no rounding"):
        build_model(tiny_data([1.0] * 4))
    rounded = replace(declared, rounding=lambda m, data: {"n": {None: 0}})
    monkeypatch.setattr(registry, "COMPONENTS", [*registry.COMPONENTS[:-1], rounded])
    m = build_model(tiny_data([1.0] * 4))
    assert "loose.n" in integer_decisions(m)


def test_every_joint_integer_is_rounded_by_the_design():
    """The integers declared JOINT are the ones :class:`Design` rounds and fixes (the compute
    site's ``choose`` is fixed through the site data instead)."""
    import numpy as np

    from optimizer.model.component import JOINT
    from optimizer.solve.design import Design

    d = Design(buy=np.zeros(1), build=np.zeros(0), count=np.zeros(1), site=None)
    joint = {f"{c.name}.{v}" for c in COMPONENTS if c.rounding == JOINT for v in c.integers}
    assert joint - set(d.values) == {"site.choose"}
    assert all(c.rounding is not None for c in COMPONENTS if c.integers)
