"""warroom: an offline campaign war room for runoff-style elections."""

__version__ = "0.1.0"
