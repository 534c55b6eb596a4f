"""Export layer: the run folder, workbook, summary.json and plots."""
