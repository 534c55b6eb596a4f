"""Model layer: the Pyomo MILP, one module per component (see :func:`build.build_model`)."""
