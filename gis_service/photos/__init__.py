"""Site photos of parcels: decoding and cleaning uploads, thumbnails (issue 11)."""
