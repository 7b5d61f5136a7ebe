// Length-prefixed JSON frames over two dedicated pipes (never the component's stdout).
// Frames are written synchronously, so a reply or notice is out before a crash or an exit.
import fs from "node:fs";
import net from "node:net";

const HEADER_BYTES = 4;

function writeFully(fd, frame) {
  let offset = 0;
  while (offset < frame.length) {
    try {
      offset += fs.writeSync(fd, frame, offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
    }
  }
}

/** Opens the channel; `onMessage` gets each decoded request, `onClose` runs when the host goes away. */
export function openChannel({ inFd, outFd, onMessage, onClose }) {
  const input = new net.Socket({ fd: inFd, readable: true, writable: false });
  let pending = Buffer.alloc(0);
  input.on("data", (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= HEADER_BYTES) {
      const size = pending.readUInt32BE(0);
      if (pending.length < HEADER_BYTES + size) break;
      const body = pending.subarray(HEADER_BYTES, HEADER_BYTES + size);
      pending = pending.subarray(HEADER_BYTES + size);
      onMessage(JSON.parse(body.toString("utf8")));
    }
  });
  input.on("end", onClose);
  input.on("error", onClose);

  const sendText = (text) => {
    const body = Buffer.from(text, "utf8");
    const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    frame.writeUInt32BE(body.length, 0);
    body.copy(frame, HEADER_BYTES);
    writeFully(outFd, frame);
  };
  return { sendText, send: (message) => sendText(JSON.stringify(message)) };
}
