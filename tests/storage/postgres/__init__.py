"""Tests that need a real PostgreSQL server, and the helpers every PostgreSQL leg uses."""
