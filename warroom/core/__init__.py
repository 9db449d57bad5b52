"""Pure domain core: counting, averaging, scenarios. Imports only the stdlib and numpy."""
