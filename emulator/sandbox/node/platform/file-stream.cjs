"use strict";
// getFileStream / getFileStreamAndMetadata for a local path, an http(s) URL or a data: URL.
const fs = require("node:fs");
const path = require("node:path");
const { Readable } = require("node:stream");

const CONTENT_TYPES = {
  ".txt": "text/plain", ".csv": "text/csv", ".html": "text/html", ".json": "application/json",
  ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
  ".gif": "image/gif", ".svg": "image/svg+xml", ".zip": "application/zip", ".mp3": "audio/mpeg",
  ".mp4": "video/mp4", ".xml": "application/xml",
};

function contentTypeOf(name) {
  return CONTENT_TYPES[path.extname(name ?? "").toLowerCase()];
}

function isUrl(text) {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function fromDataUrl(dataUrl) {
  const comma = dataUrl.indexOf(",");
  const [mediaType, ...parameters] = dataUrl.slice(5, comma).split(";");
  const isBase64 = parameters.includes("base64");
  const name = parameters.find((parameter) => parameter.startsWith("name="))?.slice(5);
  const payload = dataUrl.slice(comma + 1);
  const bytes = isBase64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload));
  return {
    stream: Readable.from([bytes]),
    metadata: { size: bytes.length, contentType: mediaType || "text/plain", name },
  };
}

async function fromRemote(url) {
  const response = await fetch(url);
  if (!response.ok || !response.body) {
    throw new Error(`Failed to fetch ${url}: ${response.status} ${response.statusText}`);
  }
  const lastModified = response.headers.get("last-modified");
  const metadata = {
    size: Number(response.headers.get("content-length") ?? NaN),
    contentType: response.headers.get("content-type") ?? undefined,
    lastModified: lastModified ? new Date(lastModified) : undefined,
    name: path.basename(new URL(url).pathname) || undefined,
    etag: response.headers.get("etag") ?? undefined,
  };
  if (Number.isNaN(metadata.size)) {
    // No length header: buffer it in memory (the sandbox may not write temp files).
    const bytes = Buffer.from(await response.arrayBuffer());
    return { stream: Readable.from([bytes]), metadata: { ...metadata, size: bytes.length } };
  }
  return { stream: Readable.fromWeb(response.body), metadata };
}

async function fromLocal(filePath) {
  const stats = await fs.promises.stat(filePath);
  if (!stats.isFile()) throw new Error(`${filePath} is not a file`);
  return {
    stream: fs.createReadStream(filePath),
    metadata: {
      size: stats.size,
      contentType: contentTypeOf(filePath),
      lastModified: stats.mtime,
      name: path.basename(filePath),
    },
  };
}

async function getFileStreamAndMetadata(pathOrUrl) {
  if (pathOrUrl.startsWith("data:")) return fromDataUrl(pathOrUrl);
  if (isUrl(pathOrUrl)) return fromRemote(pathOrUrl);
  return fromLocal(pathOrUrl);
}

async function getFileStream(pathOrUrl) {
  return (await getFileStreamAndMetadata(pathOrUrl)).stream;
}

module.exports = { getFileStream, getFileStreamAndMetadata };
