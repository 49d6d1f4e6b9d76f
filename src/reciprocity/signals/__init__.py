"""One pure parser per preference mechanism: bytes or str in, frozen result with diagnostics out."""
