"""coptui's themes: Textual's default, and a high-contrast one for projectors and low vision."""

from __future__ import annotations

from textual.theme import Theme

DEFAULT_THEME = "textual-dark"

HIGH_CONTRAST = Theme(
    name="coptui-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFFFF",
    warning="#FFFF00",
    error="#FF5555",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "border": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
    },
)

THEMES = {"default": DEFAULT_THEME, "high-contrast": HIGH_CONTRAST.name}
