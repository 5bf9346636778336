"""The pure core: no I/O, no clock reads, no SDK imports."""
