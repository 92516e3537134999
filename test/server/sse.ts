/** Reads server-sent events from a fetch() response, for the stream tests. */

/** One server-sent message: its event name, data lines joined, id; or a comment. */
export interface SseMessage {
  event: string | undefined;
  data: string;
  id: string | undefined;
  /** The text of a `: comment` line (heartbeats), when the block holds only comments. */
  comment: string | undefined;
}

/** A reader of the messages of an SSE response. */
export interface SseReader {
  /** The next message, or undefined once the stream ended. Rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage | undefined>;
  /** Messages until `stop` says so (inclusive) or the stream ends. */
  until(stop: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage[]>;
  cancel(): Promise<void>;
}

/** Reads `res.body` as server-sent events. */
export function sseReader(res: Response): SseReader {
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const parse = (block: string): SseMessage => {
    const m: SseMessage = { event: undefined, data: '', id: undefined, comment: undefined };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) m.comment = line.slice(1).trim();
      else if (line.startsWith('event: ')) m.event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line.startsWith('id: ')) m.id = line.slice(4);
    }
    m.data = data.join('\n');
    return m;
  };
  const next = async (timeoutMs = 10_000): Promise<SseMessage | undefined> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parse(block);
      }
      if (ended) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no SSE message within ${timeoutMs} ms`)),
          deadline - Date.now(),
        );
      });
      const chunk: { done: boolean; value?: Uint8Array | undefined } = await Promise.race([
        reader.read(),
        timeout,
      ]).finally(() => clearTimeout(timer));
      if (chunk.done || chunk.value === undefined) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    next,
    async until(stop, timeoutMs = 10_000) {
      const out: SseMessage[] = [];
      for (;;) {
        const m = await next(timeoutMs);
        if (m === undefined) return out;
        out.push(m);
        if (stop(m)) return out;
      }
    },
    cancel: () => reader.cancel(),
  };
}
