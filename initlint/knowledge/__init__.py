"""Framework knowledge as data: one table module per framework, one line per API name."""
