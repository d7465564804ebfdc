"""The statistics section: the counter's figures against the agency's targets."""
