// Type-checked lint, plus the pipeline's walls (DESIGN §5): `npm test` fails the day one is crossed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const wall = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }] },
});

const TERMINAL = ['**/cli/**', 'cli-progress'];
const NETWORK = ['node:net', 'node:http', 'node:https', 'node:http2', 'node:tls', 'node:dgram', 'undici', '**/helpscout/**', '**/deliver/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.hs-import/**', 'bench/data/**', 'dist/**', 'bench/scratch-tmp/**', 'eslint.config.js', 'bin/**'] },
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
  // ESLint keeps only the last `no-restricted-imports` setting that matches a file, so each
  // folder has exactly one wall, and every wall repeats the terminal rule.
  wall(['src/simulator/**'], ['**/helpscout/**', '**/deliver/**', '**/plan/**', '**/checkpoint/**', '**/mapper/**', '**/readers/**', '**/report/**', '**/cli/**', '**/config/**', '**/core/**', 'cli-progress'],
    'the simulator is Help Scout\'s side of the wire: it shares no code with the client side'),
  wall(['src/helpscout/**'], ['**/plan/**', '**/checkpoint/**', '**/deliver/**', '**/readers/**', '**/mapper/**', '**/report/**', '**/simulator/**', ...TERMINAL],
    'the Help Scout client knows nothing of plans, the checkpoint or the pipeline; only src/cli knows the terminal'),
  wall(['src/mapper/**', 'src/plan/**'], ['node:fs', 'node:fs/*', ...NETWORK, '**/checkpoint/**', ...TERMINAL],
    'mapper and planner are pure: no I/O'),
  wall(['src/readers/**'], [...NETWORK, '**/checkpoint/**', ...TERMINAL], 'readers read local files only: no network, no terminal'),
  wall(['src/attachments/**'], ['**/helpscout/**', '**/deliver/**', '**/plan/**', '**/checkpoint/**', '**/simulator/**', ...TERMINAL],
    'the attachment store fetches from the old help desk only: it knows nothing of Help Scout, plans or the checkpoint'),
  wall(['src/source-simulators/**'], ['**/sources/**', '**/attachments/**', '**/helpscout/**', '**/deliver/**', '**/plan/**', '**/checkpoint/**', '**/mapper/**', '**/readers/**', '**/report/**', '**/cli/**', '**/config/**', '**/core/**', 'cli-progress'],
    'a source simulator is the old help desk\'s side of the wire: it shares no code with the exporter it tests'),
  wall(['src/sources/**'], ['**/helpscout/**', '**/deliver/**', '**/plan/**', '**/checkpoint/**', '**/simulator/**', '**/source-simulators/**', ...TERMINAL],
    'the exporter talks to the old help desk only: it knows nothing of Help Scout, plans, the import checkpoint or the simulators'),
  wall(['src/deliver/**', 'src/checkpoint/**', 'src/report/**', 'src/config/**'], TERMINAL, 'only src/cli knows the terminal'),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
