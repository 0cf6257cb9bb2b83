import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';

const LIB_LAYER = [
  { group: ['@/components', '@/components/*', '@/app', '@/app/*'], message: 'lib/ never imports components/ or app/: move the shared logic into lib/.' },
  { regex: '^(\\.\\./)+(components|app)(/|$)', message: 'lib/ never imports components/ or app/: move the shared logic into lib/.' },
];

export default tseslint.config(
  { ignores: ['.next/**', '.next-*/**', 'screenshots/**', 'lab/**', 'node_modules/**', '.lab/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Layers one way: lib -> components -> app (docs/architecture.md). Server actions live beside their feature
  // (components/<feature>/actions.ts) or in lib/, so nothing below app/ needs to reach up into it.
  {
    files: ['lib/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: LIB_LAYER }] },
  },
  // The one alert evaluator and what it uses run in the browser too (the inventory pages): nothing server-side.
  {
    files: ['lib/alerts/rules.ts', 'lib/alerts/trend.ts', 'lib/alerts/types.ts', 'lib/format.ts', 'lib/hrefs.ts', 'lib/lvm/model.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...LIB_LAYER,
          { group: ['server-only', 'node:*', '@/lib/store/*', '@/lib/host', '@/lib/host/*', '@/lib/ops/*', '@/lib/alerts/store', '@/lib/alerts/engine', '@/lib/alerts/processor'], message: 'browser-safe module: the pages import it (lib/alerts/rules.ts is the evaluator of page and server).' },
        ],
      }],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@/app', '@/app/*'], message: 'components/ never import app/: put actions beside the feature (components/<feature>/actions.ts) or in lib/.' },
          { regex: '^(\\.\\./)+app(/|$)', message: 'components/ never import app/: put actions beside the feature (components/<feature>/actions.ts) or in lib/.' },
        ],
      }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: { process: 'readonly', module: 'writable', require: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
