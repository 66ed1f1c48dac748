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
  # The word being typed as the command will get it: without its quotes and backslashes.
  local arg= quote= c i
  for ((i = 0; i < \${#cur}; i++)); do
    c=\${cur:i:1}
    if [[ $quote == "'" ]]; then
      [[ $c == "'" ]] && quote= || arg+=$c
    elif [[ $c == '\\' && ( -z $quote || \${cur:i+1:1} == [\\$\\\`\\"\\\\] ) ]]; then
      arg+=\${cur:i+1:1}
      ((i++))
    elif [[ $c == '"' && $quote == '"' ]]; then
      quote=
    elif [[ -z $quote && ( $c == "'" || $c == '"' ) ]]; then
      quote=$c
    else
      arg+=$c
    fi
  done
  local out line directive=:none
  out=$(command "\${words[0]}" __complete -- "\${words[@]:1:cword-1}" "$arg" 2>/dev/null) || return 0
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
    while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen "$kind" -- "$arg")
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
  # The words unquoted; the current one up to the cursor ($PREFIX: a quote before it is already gone).
  lines=("\${(@f)$(command "\${words[1]}" __complete -- "\${(@Q)words[2,CURRENT-1]}" "\${(Q)PREFIX}" 2>/dev/null)}")
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
    # The current token as typed (quotes, ~, $VAR: file names are completed from it) and unquoted.
    set -l token (commandline -ct)
    set -l current (string unescape -- "$token")
    set -l directive :none
    for line in (command $program __complete -- $tokens "$current" 2>/dev/null)
        if string match -q -- ':*' $line
            set directive $line
        else if test -n "$line"
            printf '%s\\n' $line
        end
    end
    switch $directive
        case :files
            # fish's own file names: a command with no completions of its own gets them.
            complete -C"__wtp_no_completions $token"
        case :dirs
            __fish_complete_directories "$token"
    end
end
complete -c wtp -f -a '(__wtp_complete)'
complete -c wezterm-parallel -f -a '(__wtp_complete)'
`;

/** The completion script of `shell`. */
export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
