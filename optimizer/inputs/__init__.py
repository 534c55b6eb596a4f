"""Input layer: read every user or embedded file and validate it before any math is built."""
