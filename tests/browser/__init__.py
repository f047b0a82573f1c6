"""Browser end-to-end helpers (JupyterLab/Voila + headless Chromium with a fake camera)."""
