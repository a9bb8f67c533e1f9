"""Delivery service: stores a job's rendered MP4 and packages it for playback.

``drishya.delivery.v1.DeliveryService``: the HLS ladder (720p and 360p H.264 + AAC renditions and
a master playlist), a poster and thumbnails under ``<media_root>/jobs/<job_id>/``, recorded in
PostgreSQL (schema ``delivery``).
"""
