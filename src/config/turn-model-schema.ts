import { z } from 'zod';

/**
 * `states.turnModel`: a model that decides how a turn ended when the rules are unsure,
 * through an OpenAI- or Anthropic-compatible endpoint (a local one included). Off by default.
 */
export const turnModelSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Ask the model about the turn ends the rules are unsure of (the agent's last message is sent to url)",
      ),
    api: z
      .enum(['openai', 'anthropic'])
      .default('openai')
      .describe(
        'Wire format: openai = POST <url>/chat/completions (OpenAI, Ollama, vLLM, LM Studio…); anthropic = POST <url>/v1/messages',
      ),
    url: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'Base URL, e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1, https://api.anthropic.com',
      ),
    model: z.string().min(1).max(200).optional().describe('The model name the endpoint takes'),
    apiKey: z
      .string()
      .min(1)
      .optional()
      .describe('Sent as Authorization: Bearer (openai) or x-api-key (anthropic); never logged'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(60_000)
      .default(5_000)
      .describe("After this long without the model's answer the rules' verdict stands"),
    maxChars: z
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(20_000)
      .describe('A longer last message is never sent (the rules read every message whole)'),
  })
  .refine((t) => !t.enabled || (t.url !== undefined && t.model !== undefined), {
    message: 'enabled needs url and model',
  })
  .prefault({})
  .describe('The model for the turn ends the rules are unsure of (off by default; docs/states.md)');
export type TurnModelConfig = z.infer<typeof turnModelSchema>;
