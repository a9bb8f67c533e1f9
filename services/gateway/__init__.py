"""The edge backend-for-frontend: HTTP/JSON and Server-Sent Events in front of the generation service.

Mobile and web clients talk to this package; it authenticates API keys (PostgreSQL schema
``gateway``), turns JSON into ``drishya.generation.v1.GenerationService`` calls and back, streams job
progress as Server-Sent Events, serves published media and a small web page.
"""
