"""The officer acting at the window: roles on sections and actions, the lock."""
