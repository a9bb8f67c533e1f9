"""Data files of the language service (the scene glossary)."""
