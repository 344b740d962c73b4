"""Glue that builds the conformance contract app on each framework and server, with the reference."""
