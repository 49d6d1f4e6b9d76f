"""The steward side: one policy written to every format (declare), and a site checked (lint)."""
