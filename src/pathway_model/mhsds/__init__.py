"""Read Mental Health Services Data Set (MHSDS) v5 and v6 extracts into pathway records."""
