"""The gmina's workbook: reading and checking it, its schema, reference lists and templates."""
