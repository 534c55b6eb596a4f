"""The component registry: explicit build order, integer decisions by name, presence."""

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
