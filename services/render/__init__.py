"""Rendering: the provider interface and chain, provider adapters, the storyboard renderer, normalisation."""
