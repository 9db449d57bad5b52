"""Qt services: own sessions, threads and signals. QtCore only, no widgets."""
