"""The dossiers section (hồ sơ): the list, the detail panel and receiving a new dossier.

Views are named after their model: :mod:`.dossier_list_model` (the table
model over the store), :mod:`.dossier_list_view` (search and table),
:mod:`.dossier_detail` (one dossier), :mod:`.page_preview` (one page, drawn
off the UI thread by :mod:`.render`, which holds no widget),
:mod:`.new_dossier_dialog` (tiếp nhận hồ sơ) with its searchable
:mod:`.procedure_box`, and :mod:`.section` (the page of the main window that
puts them together).
"""
