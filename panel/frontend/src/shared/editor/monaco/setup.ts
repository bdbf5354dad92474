// Monaco from the bundle (never a CDN) with monaco-yaml on the panel's own /schemas/*.json.
// Imported only by lazily loaded routes, so the first page does not carry Monaco.
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import { configureMonacoYaml } from 'monaco-yaml';
import { SCHEMA_FILES, fileMatchFor } from '../schemaFor';
import YamlWorker from './yaml.worker.js?worker';

declare global {
  interface Window {
    __monaco?: typeof monaco;
  }
}

window.MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    if (label === 'yaml') return new YamlWorker();
    return new EditorWorker();
  },
};

loader.config({ monaco });

/** Monaco's dark theme with comments bright enough for contrast AA on its background. */
export const DARK_THEME = 'kometa-dark';
monaco.editor.defineTheme(DARK_THEME, {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'comment', foreground: '7fb069' }],
  colors: {},
});

// Closing a diff while Monaco still computes it rejects that work with a CancellationError ("Canceled");
// that is the intended outcome, not a failure to report.
window.addEventListener('unhandledrejection', (event) => {
  const reason: unknown = event.reason;
  if (reason instanceof Error && reason.name === 'Canceled' && reason.message === 'Canceled')
    event.preventDefault();
});
window.__monaco = monaco;

async function fetchSchema(name: string): Promise<object | null> {
  try {
    const response = await fetch(`/schemas/${name}.json`);
    return response.ok ? ((await response.json()) as object) : null;
  } catch {
    return null;
  }
}

let configured: Promise<void> | null = null;

/** Load the schemas once and hand them to monaco-yaml (completion, hover and markers). */
export function configureYaml(): Promise<void> {
  configured ??= (async () => {
    const origin = window.location.origin;
    const names = ['common', ...SCHEMA_FILES.map((entry) => entry.name)];
    const loaded = await Promise.all(names.map(fetchSchema));
    const schemas = names.flatMap((name, index) => {
      const schema = loaded[index];
      if (!schema) return [];
      const entry = SCHEMA_FILES.find((item) => item.name === name);
      return [{ uri: `${origin}/schemas/${name}.json`, schema, fileMatch: entry ? fileMatchFor(entry) : [] }];
    });
    configureMonacoYaml(monaco, {
      enableSchemaRequest: false,
      hover: true,
      completion: true,
      validate: true,
      schemas,
    });
  })();
  return configured;
}

export { monaco };
