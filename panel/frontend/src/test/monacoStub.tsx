// Stand-ins for the two Monaco views in jsdom (Monaco needs a real browser; tests/e2e covers it there):
// a textarea for the editor and two read-outs for the diff, with the same props.
import type { DiffProps, EditorProps } from '../shared/editor/MonacoPanes';

export function YamlEditor({ path, value, readOnly, onChange, onSave }: EditorProps) {
  return (
    <textarea
      aria-label={`Editor for ${path}`}
      value={value}
      readOnly={readOnly}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if ((e.ctrlKey || e.metaKey) && e.key === 's') {
          e.preventDefault();
          onSave();
        }
      }}
    />
  );
}

export function DiffView({ original, modified, onModifiedChange }: DiffProps) {
  return (
    <div>
      <pre data-testid="diff-original">{original}</pre>
      {onModifiedChange ? (
        <textarea aria-label="Result" value={modified} onChange={(e) => onModifiedChange(e.target.value)} />
      ) : (
        <pre data-testid="diff-modified">{modified}</pre>
      )}
    </div>
  );
}
