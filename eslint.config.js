// Type-checked lint, plus the pipeline's walls (DESIGN §5): `npm test` fails the day one is crossed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const wall = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.hs-import/**', 'bench/data/**', 'eslint.config.js', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `const { dropped, ...rest } = x` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  wall(['src/simulator/**'], ['**/helpscout/**', '**/deliver/**', '**/plan/**', '**/checkpoint/**', '**/mapper/**', '**/readers/**', '**/report/**', '**/cli/**', '**/config/**', '**/core/**'],
    'the simulator is Help Scout\'s side of the wire: it shares no code with the client side'),
  wall(['src/helpscout/**'], ['**/plan/**', '**/checkpoint/**', '**/deliver/**', '**/readers/**', '**/mapper/**', '**/report/**', '**/cli/**', '**/simulator/**'],
    'the Help Scout client knows nothing of plans, the checkpoint or the pipeline'),
  wall(['src/mapper/**', 'src/plan/**'], ['node:fs', 'node:fs/*', 'node:net', 'node:http', 'undici', '**/helpscout/**', '**/deliver/**', '**/checkpoint/**', '**/cli/**'],
    'mapper and planner are pure: no I/O'),
  wall(['src/readers/**', 'src/mapper/**', 'src/plan/**', 'src/helpscout/**', 'src/deliver/**', 'src/checkpoint/**', 'src/report/**', 'src/config/**'],
    ['**/cli/**', 'cli-progress'], 'only src/cli knows the terminal'),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
