"""Browser tests: headless Chromium against the live server, every page checked by axe-core."""
