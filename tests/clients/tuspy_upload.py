"""Uploads a file with tuspy (tus-py-client, PyPI) in 8 MiB chunks with retries, the way a
college's script would. Prints the upload URL as JSON.

Usage: python3 tuspy_upload.py ENDPOINT TOKEN FILE TITLE
"""
import json
import os
import sys

from tusclient import client

endpoint, token, path, title = sys.argv[1:5]
tus = client.TusClient(endpoint, headers={"Authorization": f"Bearer {token}"})
uploader = tus.uploader(
    path,
    chunk_size=8 * 1024 * 1024,
    metadata={
        "filename": os.path.basename(path),
        "title": title,
        "category": "national_event",
    },
    retries=10,
    retry_delay=1,
)
uploader.upload()
print(json.dumps({"url": uploader.url}))
