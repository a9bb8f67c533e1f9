"""Local servers that follow the documented shape of the render providers' APIs (ComfyUI, Gemini/Veo)."""
