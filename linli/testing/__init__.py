"""Test support: a named base scenario and small helpers, shared by every app's tests."""
