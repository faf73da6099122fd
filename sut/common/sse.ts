/** Server-Sent Events framing: one frame per event, `id:` only when given, data always one JSON line. */

export interface SseFrame {
  event?: string;
  id?: string | number;
  data: unknown;
}

/** Formats one SSE frame, ending with the blank line that dispatches it. */
export function formatSse(frame: SseFrame): string {
  let out = '';
  if (frame.event) out += `event: ${frame.event}\n`;
  if (frame.id !== undefined) out += `id: ${frame.id}\n`;
  out += `data: ${JSON.stringify(frame.data)}\n\n`;
  return out;
}

/** An SSE comment line, used as keep-alive; clients ignore it. */
export function formatSseComment(text: string): string {
  return `: ${text}\n\n`;
}
