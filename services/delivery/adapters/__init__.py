"""Adapters of the delivery service (PostgreSQL)."""
