"""zopt: plan the cheapest off-grid, solar-powered machine that reaches a compute target.

Layers (data flows through them once; lower layers never import higher ones, and no imports
close a circle: ``tests/test_import_layers.py``; README, Layers)::

    base -> inputs -> resource -> model -> solve -> results -> export
         -> (pipeline, options) -> sweep -> cli
"""

__version__ = "0.1.0"
