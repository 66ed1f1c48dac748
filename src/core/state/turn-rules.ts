import { bare, proseBlocks, sentences, type ProseBlock } from './turn-text.js';

/** What the rules say of a turn's last message. */
export interface RulesVerdict {
  /** `question`: the agent waits on the user; `done`: its turn is over. */
  says: 'question' | 'done';
  /** false: the rules lean this way but a model (when configured) should decide. */
  sure: boolean;
  /** Which rule decided (`final-question`, `choices-offered`, …): `wtp why` names it. */
  rule: string;
  /** A question: the sentence that asks it (with the prose around it, up to QUESTION_MAX). */
  question?: string;
  /** Choices the message offers (a list after the question, or before it), when it does. */
  options?: string[];
}

/**
 * The most of a message the rules read: its end (a turn's question is in its last paragraph), so a
 * message of any length costs the same bounded time.
 */
export const RULES_MAX_CHARS = 64 * 1024;

/** The longest question text kept (the state detail's `request.question` holds 2,000). */
export const QUESTION_MAX = 2_000;
const OPTION_MAX = 300;
const OPTIONS_MAX = 20;

/** "Let me know" and its kin, asking for something specific: which, whether, how… */
const ASKS_TO_KNOW =
  /\b(?:let me know|tell me|please (?:let me know|advise|confirm|choose|pick|decide|specify|clarify)|i need (?:to know|your (?:input|decision|go-ahead|confirmation|answer))|i(?:'|’)?ll wait for your|waiting for your (?:go-ahead|input|decision|answer|confirmation)|your call|up to you)\b/i;
/** …a courtesy instead: "let me know if you need anything else / have any questions". */
const COURTESY =
  /\b(?:if (?:you (?:need|have|want|would like|'d like|’d like|run into|see|notice|spot)|anything|something|there(?:'s| is| are)?)|any (?:other |more |further )?(?:questions|issues|changes|problems)|anything else|feel free|happy to help|hope (?:this|that) helps)\b/i;
/** "let me know if I should …": a conditional that still asks for a decision. */
const IF_I_SHOULD =
  /\b(?:let me know|tell me) (?:if|whether) (?:i should|you want me to (?:proceed|go ahead|continue|start|merge|deploy|push|delete|apply|run)|it(?:'s| is) (?:ok|okay|fine|safe)|i can)\b/i;
/** A final question that is a courtesy, not a wait: "Anything else?", "Any questions?" */
const COURTESY_QUESTION =
  /^(?:(?:is there )?anything else(?: (?:i can|you(?:'d| would) like|you need)[^?]*)?|any (?:other |more |further )?questions|(?:need|want) anything else[^?]*|what else can i (?:do|help)[^?]*|what(?:'s|’s| is) next(?: on the list)?)\?$/i;
/**
 * A final question that asks nothing of the user: a tag or negative question after what was done
 * ("Pretty neat, right?", "Isn't that better?"), an exclamation as a question ("Who knew…?").
 */
const RHETORICAL =
  /(?:,\s*(?:right|huh|eh|no)|^(?:who (?:knew|would have (?:thought|guessed))|isn(?:'|’)t (?:that|it|this)|wasn(?:'|’)t (?:that|it)|how (?:cool|nice|neat) is that)\b.*)\?$/i;
/**
 * A request for the user's input without a "?": an imperative to choose, reply or confirm, or a
 * stated wait for their decision, answer or data.
 */
const DIRECTIVE =
  /^(?:(?:before|once|when|if) [^,]{1,80},\s*)?(?:please )?(?:(?:pick|choose|select) (?:one|which|between|from|either|an? |the )|(?:reply|respond|answer) (?:with|by|to|yes|no)\b|say (?:["“'«]|which|yes|no|go|the word)|confirm (?:that|whether|which|the|it|you|your)\b|decide (?:which|whether|between|on)\b|(?:send|give) me\b|(?:share|provide) (?:the|your|me)\b|point me\b)/i;
const WAITS_ON_USER =
  /\b(?:until (?:you|i hear|i know)\b|(?:need|waiting for|wait for|want) (?:a decision|an answer|your (?:decision|input|answer|confirmation|go-ahead|approval|ok|pick))|need (?:you to|the|your|a|an) [^.]{0,80}\bto (?:continue|proceed|go on|finish)|can(?:'|’)?t (?:continue|proceed|go on) (?:until|without)|your (?:pick|choice|call)|when you are ready,? (?:just )?(?:say|tell)|ready when you are)\b/i;
/** A question the message itself answers, or poses to itself: "Why was it slow?" then the answer. */
const SELF_QUESTION =
  /^(?:why|what was|how (?:come|did)|was it|did it|is it still|wondering|i wonder|hmm)\b/i;
/** A question put to the user ("Should I…?", "Do you want…?"), whatever follows it. */
const ADDRESSED =
  /^(?:should i|shall i|do you|would you|can you|could you|will you|want me|may i|can i|is it (?:ok|okay|fine|alright|safe)|ok(?:ay)? to|which|what (?:should|would you|do you)|how (?:should|would you|do you want))\b/i;
/** A sentence that answers the question before it. */
const ANSWER =
  /^(?:yes|no|yep|nope|not yet|because|it (?:does|did|is|was|can)|they (?:do|did|are|can)|that(?:'s| is| was))\b/i;
/**
 * An intro asking to pick from the list that follows: "Which of these…:", "Please choose one of
 * the following:" — one of these words in its last sentence (pickIntro), which ends in `:` or `?`.
 */
const PICK_WORD =
  /\b(?:which|choose|pick|prefer|select|decide|options?|following|prioriti[sz]e|one of|confirm)\b/i;

/**
 * Decides from an agent's last message whether its turn ended waiting on the user, deterministically
 * (no I/O, linear in the text), not reading code, logs or quotes (turn-text.ts). A question: a final
 * sentence that asks, choices after a question, "let me know which / whether …", a request to
 * confirm, a wait for a go-ahead. Not one: a summary, a courtesy ("Anything else?"), a question the
 * message answers itself. Unsure (a model may decide): a courtesy question, a final statement after a
 * question in the same paragraph, a last paragraph that only names what is left.
 */
export function classifyTurnEnd(message: string): RulesVerdict {
  const blocks = proseBlocks(message);
  const last = blocks.at(-1);
  if (last === undefined) return { says: 'done', sure: true, rule: 'no-prose' };
  if (last.list) {
    const choices = listOfChoices(blocks);
    if (choices !== null) return choices;
  }
  const text = last.list ? (last.lines.at(-1) ?? '') : last.lines.join(' ');
  const said = sentences(text)
    .map(bare)
    .filter((s) => s !== '');
  const final = said.at(-1) ?? '';
  const asks = /[?？]$/.test(final);
  if (asks) {
    if (COURTESY_QUESTION.test(final) || COURTESY.test(final))
      return { says: 'done', sure: false, rule: 'courtesy-question' };
    if (RHETORICAL.test(final)) return { says: 'done', sure: false, rule: 'rhetorical-question' };
    if (SELF_QUESTION.test(final) && said.length === 1 && blocks.length > 1)
      return { says: 'question', sure: false, rule: 'self-question', question: final };
    return question('final-question', said, last, blocks);
  }
  if (IF_I_SHOULD.test(final)) return question('asks-whether', said, last, blocks);
  // A question written without its "?" ("Do you want me to continue, or stop here"), its choices
  // maybe after a colon ("Which should I do first: a, b or c").
  const lead = said.length > 1 && /:$/.test(said.at(-2) ?? '') ? (said.at(-2) as string) : final;
  if (ADDRESSED.test(lead) && !/[.!]$/.test(final)) return question('unmarked-question', said, last, blocks);
  if (DIRECTIVE.test(final) && !COURTESY.test(final)) return question('asks-to-choose', said, last, blocks);
  if (WAITS_ON_USER.test(final)) return question('waits-on-user', said, last, blocks);
  if (ASKS_TO_KNOW.test(final) && !COURTESY.test(final)) return question('asks-to-know', said, last, blocks);
  if (ASKS_TO_KNOW.test(final)) return { says: 'done', sure: true, rule: 'courtesy' };
  if (COURTESY.test(final)) return { says: 'done', sure: true, rule: 'courtesy' };
  // A question earlier in the last paragraph, then a statement: answered by the message itself
  // ("Why was it slow? Each request opened…"), or asked and then qualified.
  const asked = said.slice(0, -1).filter((s) => /[?？]$/.test(s));
  const toUser = asked.at(-1);
  if (toUser !== undefined && ADDRESSED.test(toUser) && !ANSWER.test(said.at(-1) ?? '')) {
    return {
      says: 'question',
      sure: false,
      rule: 'asks-then-qualifies',
      question: cut(toUser, QUESTION_MAX),
    };
  }
  if (asked.length > 0) return { says: 'done', sure: false, rule: 'answered-question' };
  return { says: 'done', sure: true, rule: 'no-question' };
}

/** A final list offered as choices: the line or block before it asks which. */
function listOfChoices(blocks: ProseBlock[]): RulesVerdict | null {
  const last = blocks.at(-1) as ProseBlock;
  const own = last.lines.filter((l) => !last.items.some((i) => l.endsWith(i)));
  const intro = own.at(-1) ?? blocks.at(-2)?.lines.at(-1);
  if (intro === undefined) return null;
  const said = bare(intro);
  const items = last.items.filter((i) => !/\[[xX]\]/.test(i));
  if (!pickIntro(said) && !/[?？]$/.test(said)) return null;
  // Two questions in a list ("1. Should…? 2. Which…?") ask too.
  return {
    says: 'question',
    sure: true,
    rule: 'choices-offered',
    question: cut([said, ...items.map((i) => `- ${i}`)].join('\n'), QUESTION_MAX),
    options: items.slice(0, OPTIONS_MAX).map((i) => cut(bare(i), OPTION_MAX)),
  };
}

/** A question found: its sentence(s), and the list of choices just before it when there is one. */
function question(rule: string, said: string[], last: ProseBlock, blocks: ProseBlock[]): RulesVerdict {
  // The question with the sentence before it when that one leads to it ("Two ways: …").
  const lead = said.length > 1 && /:$/.test(said.at(-2) ?? '') ? [said.at(-2) as string] : [];
  const text = [...lead, said.at(-1) ?? ''].join(' ');
  const before = last.list ? last : blocks.at(-2);
  const options = before?.list === true ? before.items.map((i) => cut(bare(i), OPTION_MAX)) : [];
  return {
    says: 'question',
    sure: true,
    rule,
    question: cut(text, QUESTION_MAX),
    ...(options.length > 0 ? { options: options.slice(0, OPTIONS_MAX) } : {}),
  };
}

/**
 * PICK_WORD after the line's last `.` or `!`, the line ending in `:` or `?` (one pattern for both
 * would try every word against the rest of the line: quadratic in a line of such words).
 */
function pickIntro(line: string): boolean {
  if (!/[:?]$/.test(line)) return false;
  const start = Math.max(line.lastIndexOf('.'), line.lastIndexOf('!')) + 1;
  return PICK_WORD.test(line.slice(start));
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * The words of a message a model read as a question (the rules did not): its last sentence that
 * asks, else its last sentence, from its prose.
 */
export function askedText(message: string): string {
  const last = proseBlocks(message).at(-1);
  if (last === undefined) return '';
  const said = sentences(last.lines.join(' '))
    .map(bare)
    .filter((s) => s !== '');
  const asks = [...said].reverse().find((s) => /[?？]$/.test(s));
  return cut(asks ?? said.at(-1) ?? '', QUESTION_MAX);
}
