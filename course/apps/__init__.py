"""Voila apps. Each notebook here is one line that calls the module of the same name."""
