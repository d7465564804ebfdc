"""The Qt interface: the only package that imports PySide6.

- :mod:`.launch`: ``run_gui``, the GUI's entry point;
- :mod:`.background`: ``run_in_background``, the one way off the UI thread;
- :mod:`.errors`: the one error dialog and the exception hook;
- :mod:`.main_window`: the window, its menus, navigation and status bar;
- :mod:`.sections`: the list of sections the window shows (one entry per capability);
- :mod:`.dossiers`: the dossier list, detail and intake dialog;
- :mod:`.settings_dialog`: editing ``settings.toml``;
- :mod:`.actions`: shortcuts named in tooltips; :mod:`.texts`: counted (plural) texts.
"""
