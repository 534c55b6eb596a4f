"""Resource layer: hourly PV yield (pvlib) and geometry (areas, profiles, distances)."""
