// Uploads a file with tus-js-client (npm) under Node, the way a partner's tool would: 8 MiB
// chunks, automatic retries. Prints the upload URL and the asset id the server answered with.
// Usage: node tus_upload.mjs ENDPOINT TOKEN FILE TITLE
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';

const [endpoint, token, file, title] = process.argv.slice(2);
let retries = 0;

const url = await new Promise((resolve, reject) => {
  const upload = new tus.Upload(createReadStream(file), {
    endpoint,
    uploadSize: statSync(file).size,
    chunkSize: 8 * 1024 * 1024,
    headers: { Authorization: `Bearer ${token}` },
    metadata: { filename: basename(file), filetype: 'video/mp4', title, category: 'national_event' },
    retryDelays: [0, 500, 1000, 2000, 3000, 5000],
    onShouldRetry: (err, attempt, options) => {
      retries += 1;
      return true;
    },
    onError: reject,
    onSuccess: (payload) => {
      const asset = payload.lastResponse.getHeader('Vocweek-Asset-Id');
      resolve({ url: upload.url, asset });
    },
  });
  upload.start();
});
console.log(JSON.stringify({ ...url, retries }));
