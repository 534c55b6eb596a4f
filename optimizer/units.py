"""Unit conversions and the scaled units used inside the optimisation model.

Inside the model: power [MW], energy [MWh], money [$M], compute [PFLOPS], volume [Mm3] (1e6 m3),
area [acre]. Raw SI / USD values never reach the solver: 1e21 FLOPS is 1e6 PFLOPS.
"""

FLOPS_PER_PFLOPS = 1e15
FLOPS_PER_TFLOPS = 1e12
USD_PER_MUSD = 1e6
W_PER_MW = 1e6
KW_PER_MW = 1e3
M3_PER_MM3 = 1e6
M2_PER_ACRE = 4046.8564224
J_PER_MWH = 3.6e9
RHO_WATER_KG_PER_M3 = 1000.0
G_M_PER_S2 = 9.80665
SECONDS_PER_HOUR = 3600.0


def potential_energy_mwh_per_mm3(head_m: float) -> float:
    """Gravitational potential energy of 1e6 m3 of water lifted ``head_m`` metres [MWh/Mm3].

    .. math:: e = \\rho g h \\cdot 10^6 / 3.6\\cdot 10^9
    """
    return RHO_WATER_KG_PER_M3 * G_M_PER_S2 * head_m * M3_PER_MM3 / J_PER_MWH
