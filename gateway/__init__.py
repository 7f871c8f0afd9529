"""Customer Gateway: one canonical REST API over heterogeneous customer systems."""
