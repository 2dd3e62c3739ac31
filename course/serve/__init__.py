"""Serving the course to learners: their working folder, and the Voila server over it."""
