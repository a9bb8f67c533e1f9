"""The scene vocabulary shared by analysis, prompt and rendering: concepts with categories and lexicons.

Pure data and functions, no I/O. Services import it as a library; they still talk to each other
only through their gRPC contracts.
"""
