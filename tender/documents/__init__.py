"""The tender documents (konkurransegrunnlaget): one versioned, hashed set vendors download, every download
logged (issue 13, point 1)."""
