import type { CliContext } from './context.js';

/** Asks one question on the terminal (the prompt on stderr) and returns the answer. */
export async function ask(ctx: CliContext, question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: ctx.in, output: ctx.err });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
