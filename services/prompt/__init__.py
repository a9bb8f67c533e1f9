"""Prompt service: scene analysis to a shot list of provider-ready prompts (``drishya.prompt.v1``).

Domain entry point: :func:`services.prompt.builder.build_shot_list`; gRPC server:
:func:`services.prompt.server.create_server`.
"""
