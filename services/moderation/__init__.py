"""Moderation service: checks scene text before generation and rendered videos after it.

``drishya.moderation.v1.ModerationService``: :mod:`text_rules` (multilingual blocklist,
copyrighted characters, profanity) and :mod:`video_checks` (decodability, duration, blank video,
photosensitive flashing). Stateless in v1: no database.
"""
