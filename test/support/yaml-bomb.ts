/** A YAML "billion laughs": each level aliases the one before nine times (9^7 nodes if expanded). */
export const YAML_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]']
  .concat(
    ['b', 'c', 'd', 'e', 'f', 'g'].map(
      (k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`,
    ),
  )
  .join('\n');
