/**
 * Framing of the host protocol on the daemon's host socket (no zod here: the host
 * process imports only this file and types, to stay small).
 *
 * Every frame: u32 BE length of the rest | u8 kind | payload.
 * - JSON:   payload is one UTF-8 JSON message (host.ts schemas).
 * - OUTPUT: host → daemon; f64 BE byte offset of the first byte | raw terminal bytes.
 * - INPUT:  daemon → host; raw bytes to write to the PTY.
 */
export const FRAME_KIND = { JSON: 1, OUTPUT: 2, INPUT: 3 } as const;
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];

/** Frames larger than this are a protocol error (output is chunked well below it). */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Version of the host protocol; the daemon refuses hosts that speak another. */
export const HOST_PROTOCOL_VERSION = 1;
