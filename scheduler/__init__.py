"""Timed work: the outbox tick and the rules that decide when pushes are due."""
