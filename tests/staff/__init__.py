"""Tests of the pure staff-side rules (cogtrain.staff)."""
