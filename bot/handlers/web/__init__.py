"""The web chat channel: a page for residents who arrive from a link or a QR code."""
