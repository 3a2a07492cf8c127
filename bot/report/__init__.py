"""Reports for organizers: the monthly workbook and charts, and the results of votes."""
