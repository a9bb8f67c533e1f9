"""Analysis service: who, what, where, mood, camera and timing of a scene (``drishya.analysis.v1``).

Domain entry points: :func:`services.analysis.analyzer.analyze_scene` and
:class:`services.analysis.bible.StoryBible`; gRPC server: :func:`services.analysis.server.create_server`.
"""
