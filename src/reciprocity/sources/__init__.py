"""Where site signals come from besides the document itself: robots.txt snapshots, the fetcher."""
