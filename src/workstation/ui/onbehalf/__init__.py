"""The on-behalf path in the window: the panel in the intake view, the citizen's screen,
the hand-over section."""
