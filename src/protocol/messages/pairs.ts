/** Pairs of sentences an error may say: what happened, then what to do (error-messages.ts). */
export type MessagePairs = readonly (readonly [string, string])[];
