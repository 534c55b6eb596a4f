"""Solve layer: hand the Pyomo model to HiGHS and load the answer back."""
