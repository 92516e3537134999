// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.baton/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ThrowStatement > Literal',
          message: 'Never throw strings: throw an Error or a Failure.',
        },
      ],
    },
  },
  {
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'runtime/ reads no clock: use the injected time.' },
        { object: 'Math', property: 'random', message: 'runtime/ is deterministic: use ctx.random().' },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval'],
    },
  },
  {
    // The web UI runs in the browser: src/ui/tsconfig.json (lib DOM) gives its globals to the type
    // checker, which stands for no-undef in TypeScript. What it shows is data from users: never HTML.
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML'].map((property) => ({
          property,
          message: 'The UI renders user data as text: build elements with htm/Preact instead.',
        })),
        ...['write', 'writeln'].map((property) => ({
          object: 'document',
          property,
          message: 'The UI renders user data as text: build elements with htm/Preact instead.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ThrowStatement > Literal',
          message: 'Never throw strings: throw an Error or a Failure.',
        },
        {
          selector: 'TemplateElement[value.raw=/dangerouslySetInnerHTML/]',
          message: 'The UI renders user data as text: no dangerouslySetInnerHTML.',
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
