'use strict';
// Minimal, binary-safe multipart/form-data parser: enough to record what form-data@2 sends.

function boundaryOf(contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  return m ? m[1] || m[2] : null;
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function param(header, name) {
  const m = new RegExp(`${name}="([^"]*)"`, 'i').exec(header || '');
  return m ? m[1] : undefined;
}

/** @returns {{ name: string, filename?: string, contentType?: string, data: Buffer }[]} */
function parseMultipart(body, contentType) {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error(`no multipart boundary in "${contentType}"`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart body without its boundary');
  for (;;) {
    pos += delimiter.length;
    if (body.slice(pos, pos + 2).toString() === '--') break; // closing delimiter
    pos += 2; // CRLF after the delimiter
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerEnd < 0 || next < 0) throw new Error('truncated multipart body');
    const headers = parseHeaders(body.slice(pos, headerEnd).toString('utf8'));
    const data = body.slice(headerEnd + 4, next - 2); // part data ends with CRLF before the delimiter
    const disposition = headers['content-disposition'];
    parts.push({
      name: param(disposition, 'name'),
      filename: param(disposition, 'filename'),
      contentType: headers['content-type'],
      data,
    });
    pos = next;
  }
  return parts;
}

module.exports = { parseMultipart };
