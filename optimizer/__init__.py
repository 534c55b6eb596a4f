"""zopt: plan the cheapest off-grid, solar-powered machine that reaches a compute target.

Layers (data flows through them once; lower layers never import higher ones)::

    inputs -> resource -> model -> solve -> results -> export -> cli
"""

__version__ = "0.1.0"
