"""The printed report: GB/T 9704 layout drawn with ReportLab, in embedded TrueType faces (see fonts.py)."""
