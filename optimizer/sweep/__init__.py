"""Scenario sweeps and one-at-a-time sensitivities on Dask (``zopt sweep SPEC.toml``).

:mod:`~optimizer.sweep.spec` reads the TOML spec, :mod:`~optimizer.sweep.cases` expands it,
:mod:`~optimizer.sweep.prepare` validates everything before any solve,
:mod:`~optimizer.sweep.worker` runs one case on a worker, :mod:`~optimizer.sweep.runner` drives
the Dask client and :mod:`~optimizer.sweep.results` writes the sweep's files.
"""
