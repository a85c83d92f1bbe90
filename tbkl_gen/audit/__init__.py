"""The audit: any Word notice read and held to the decree's format rules."""
