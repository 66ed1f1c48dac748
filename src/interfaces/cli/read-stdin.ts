import type { CliContext } from './context.js';

/** All of the command's stdin, as UTF-8 text. */
export async function readStdin(ctx: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.in) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
