"""Channel-neutral conversation flows."""
