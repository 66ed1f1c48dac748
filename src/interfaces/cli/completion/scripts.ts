/**
 * The shell side of completion: thin scripts that hand the words on the command line to
 * `wtp __complete -- <words…>` (the current word last, possibly empty) and offer what it prints:
 * `value<TAB>description` lines, then `:none`, `:files` or `:dirs` (file or folder names too).
 * Everything else (commands, options, agent and workspace names) is decided in complete.ts.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Where each shell picks the script up by itself (printed in `wtp completion --help`). */
export const INSTALL: Record<Shell, string> = {
  bash: 'wtp completion bash > ~/.local/share/bash-completion/completions/wtp',
  zsh: 'mkdir -p ~/.zfunc && wtp completion zsh > ~/.zfunc/_wtp   (and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath))',
  fish: 'wtp completion fish > ~/.config/fish/completions/wtp.fish',
};

const BASH = `# bash completion for wtp (wezterm-parallel). Install:
#   ${INSTALL.bash}
# or add to ~/.bashrc:  source <(wtp completion bash)
_wtp_complete() {
  local cur words cword
  if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
    _get_comp_words_by_ref -n =: cur words cword
  else
    words=("\${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=\${COMP_WORDS[COMP_CWORD]}
  fi
  local out line directive=:none
  out=$(command "\${words[0]}" __complete -- "\${words[@]:1:cword}" 2>/dev/null) || return 0
  COMPREPLY=()
  while IFS= read -r line; do
    case $line in
      :*) directive=$line ;;
      ?*) COMPREPLY+=("\${line%%$'\\t'*}") ;;
    esac
  done <<<"$out"
  local kind=
  case $directive in
    :files) kind=-f ;;
    :dirs) kind=-d ;;
  esac
  if [[ -n $kind ]]; then
    compopt -o filenames 2>/dev/null
    while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen "$kind" -- "$cur")
  fi
  if declare -F __ltrim_colon_completions >/dev/null 2>&1; then __ltrim_colon_completions "$cur"; fi
  return 0
}
complete -F _wtp_complete wtp wezterm-parallel
`;

const ZSH = `#compdef wtp wezterm-parallel
# zsh completion for wtp (wezterm-parallel). Install:
#   ${INSTALL.zsh}
# or add to ~/.zshrc (after compinit):  source <(wtp completion zsh)
_wtp() {
  local -a lines items
  local line value desc directive=:none
  lines=("\${(@f)$(command "\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    case $line in
      :*) directive=$line ;;
      ?*)
        value=\${line%%$'\\t'*}
        desc=\${line#*$'\\t'}
        [[ $desc == "$line" ]] && desc=
        items+=("\${value//:/\\\\:}\${desc:+:$desc}") ;;
    esac
  done
  (( \${#items} )) && _describe -t wtp-values 'wtp' items
  case $directive in
    :files) _files ;;
    :dirs) _files -/ ;;
  esac
}
if [[ "\${funcstack[1]}" == _wtp ]]; then
  _wtp "$@"
else
  compdef _wtp wtp wezterm-parallel
fi
`;

const FISH = `# fish completion for wtp (wezterm-parallel). Install:
#   ${INSTALL.fish}
function __wtp_complete
    set -l tokens (commandline -opc)
    set -l program $tokens[1]
    set -e tokens[1]
    set -l current (commandline -ct)
    if test (count $current) -eq 0
        set current ''
    end
    set -l directive :none
    for line in (command $program __complete -- $tokens $current 2>/dev/null)
        if string match -q -- ':*' $line
            set directive $line
        else if test -n "$line"
            echo $line
        end
    end
    switch $directive
        case :files
            __fish_complete_path $current
        case :dirs
            __fish_complete_directories $current
    end
end
complete -c wtp -f -a '(__wtp_complete)'
complete -c wezterm-parallel -f -a '(__wtp_complete)'
`;

/** The completion script of `shell`. */
export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
