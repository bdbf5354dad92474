// The two Monaco views of the app: the YAML editor and the side-by-side diff. Everything else renders
// without Monaco (and is tested in jsdom with these two replaced).
import { DiffEditor, Editor, type OnMount } from '@monaco-editor/react';
import { useTheme } from '@mui/material/styles';
import { useEffect, useId, useRef } from 'react';
import type { Problem } from '../api/models';
import { configureYaml, DARK_THEME, monaco } from './monaco/setup';
import { languageFor, modelUri } from './schemaFor';

export interface EditorProps {
  path: string;
  value: string;
  readOnly: boolean;
  line: number | null;
  problems: Problem[];
  onChange: (text: string) => void;
  onSave: () => void;
  height?: string;
}

const SERVER_OWNER = 'panel';

/** Server problems of this file as Monaco markers (errors red, warnings yellow). */
function markersFor(path: string, problems: Problem[]): monaco.editor.IMarkerData[] {
  return problems
    .filter((p) => p.file === path && p.line)
    .map((p) => ({
      severity: p.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: p.hint ? `${p.message}\n${p.hint}` : p.message,
      source: p.code,
      startLineNumber: p.line as number,
      startColumn: p.column ?? 1,
      endLineNumber: p.line as number,
      endColumn: (p.column ?? 1) + 1000,
    }));
}

export function YamlEditor({ path, value, readOnly, line, problems, onChange, onSave, height }: EditorProps) {
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const saveRef = useRef(onSave);
  useEffect(() => {
    saveRef.current = onSave;
  }, [onSave]);
  const dark = useTheme().palette.mode === 'dark';

  useEffect(() => {
    void configureYaml();
  }, []);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current());
    if (line) {
      editor.revealLineInCenter(line);
      editor.setPosition({ lineNumber: line, column: 1 });
      editor.focus();
    }
  };

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || !line) return;
    editor.revealLineInCenter(line);
    editor.setPosition({ lineNumber: line, column: 1 });
  }, [line]);

  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(modelUri(path)));
    if (model) monaco.editor.setModelMarkers(model, SERVER_OWNER, markersFor(path, problems));
  }, [path, problems, value]);

  return (
    <Editor
      height={height ?? '70vh'}
      path={modelUri(path)}
      language={languageFor(path)}
      value={value}
      theme={dark ? DARK_THEME : 'vs'}
      onChange={(text) => onChange(text ?? '')}
      onMount={onMount}
      options={{
        readOnly,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 13,
        tabSize: 2,
        insertSpaces: true,
        automaticLayout: true,
        quickSuggestions: { other: true, comments: false, strings: true },
        ariaLabel: `Editor for ${path}${readOnly ? ' (read only)' : ''}`,
      }}
    />
  );
}

export interface DiffProps {
  path: string;
  original: string;
  modified: string;
  /** When set, the right-hand side can be edited (the merge result). */
  onModifiedChange?: (text: string) => void;
  height?: string;
}

export function DiffView({ path, original, modified, onModifiedChange, height }: DiffProps) {
  const dark = useTheme().palette.mode === 'dark';
  const changeRef = useRef(onModifiedChange);
  // Own model URIs per diff, disposed after the widget is gone (disposing them first makes Monaco throw).
  const id = useId();
  const originalPath = `inmemory://original/${id}/${path}`;
  const modifiedPath = `inmemory://modified/${id}/${path}`;
  useEffect(
    () => () => {
      window.setTimeout(() => {
        for (const uri of [originalPath, modifiedPath])
          monaco.editor.getModel(monaco.Uri.parse(uri))?.dispose();
      });
    },
    [originalPath, modifiedPath],
  );
  useEffect(() => {
    changeRef.current = onModifiedChange;
  }, [onModifiedChange]);
  return (
    <DiffEditor
      height={height ?? '50vh'}
      language={languageFor(path)}
      original={original}
      modified={modified}
      originalModelPath={originalPath}
      modifiedModelPath={modifiedPath}
      theme={dark ? DARK_THEME : 'vs'}
      keepCurrentOriginalModel
      keepCurrentModifiedModel
      onMount={(editor) => {
        const model = editor.getModifiedEditor();
        model.onDidChangeModelContent(() => changeRef.current?.(model.getValue()));
      }}
      options={{
        readOnly: !onModifiedChange,
        originalEditable: false,
        renderSideBySide: true,
        hideUnchangedRegions: { enabled: true, contextLineCount: 3 },
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        automaticLayout: true,
        fontSize: 13,
      }}
    />
  );
}
