"""Results layer: plain dataclasses and DataFrames read out of the solved model, the bill of
materials, and the independent numpy check."""
