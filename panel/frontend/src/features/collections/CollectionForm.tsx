import { FormControl, InputLabel, MenuItem, Select, Stack, TextField, Typography } from '@mui/material';
import {
  buildersFor,
  COLLECTION_ORDERS,
  readForm,
  SEARCH_ATTRIBUTES,
  SYNC_MODES,
  writeBuilder,
  writeField,
  type TextField as Field,
} from './form';

interface Props {
  yaml: string;
  libraryType: string | null;
  readOnly: boolean;
  onChange: (yaml: string) => void;
}

function Choice({
  label,
  value,
  options,
  readOnly,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  readOnly: boolean;
  onChange: (value: string) => void;
}) {
  const id = `field-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const known = options.some((o) => o.value === value);
  return (
    <FormControl fullWidth size="small">
      <InputLabel id={id}>{label}</InputLabel>
      <Select
        labelId={id}
        label={label}
        value={value}
        disabled={readOnly}
        onChange={(e) => onChange(String(e.target.value))}
      >
        <MenuItem value="">
          <em>Not set</em>
        </MenuItem>
        {!known && value && <MenuItem value={value}>{value}</MenuItem>}
        {options.map((o) => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** The common keys of a collection as a form; every change is written into the YAML text (comments and
 * other keys kept), which stays the one source of truth. */
export function CollectionForm({ yaml, libraryType, readOnly, onChange }: Props) {
  const form = readForm(yaml);
  if (!form) {
    return (
      <Typography color="error">The YAML does not parse as a mapping: fix it in the YAML tab.</Typography>
    );
  }
  const set = (field: Field) => (value: string) => onChange(writeField(yaml, field, value));
  const builders = buildersFor(libraryType);
  const attributes = SEARCH_ATTRIBUTES[libraryType ?? ''] ?? [];
  return (
    <Stack spacing={2} sx={{ py: 2 }}>
      <Choice
        label="Builder"
        value={form.builder ?? ''}
        options={builders.map((b) => ({ value: b.key, label: `${b.label} (${b.key})` }))}
        readOnly={readOnly}
        onChange={(key) => key && onChange(writeBuilder(yaml, key))}
      />
      {(form.builder === 'plex_search' || form.builder === 'smart_filter') && attributes.length > 0 && (
        <Typography variant="body2" color="text.secondary">
          Attributes for a {libraryType} library: {attributes.join(', ')} (edit the conditions in the YAML
          tab).
        </Typography>
      )}
      <TextField
        label="Summary"
        value={form.summary}
        onChange={(e) => set('summary')(e.target.value)}
        multiline
        minRows={2}
        size="small"
        disabled={readOnly}
      />
      <TextField
        label="Sort title"
        value={form.sort_title}
        onChange={(e) => set('sort_title')(e.target.value)}
        size="small"
        disabled={readOnly}
      />
      <Choice
        label="Collection order"
        value={form.collection_order}
        options={COLLECTION_ORDERS.map((o) => ({ value: o, label: o }))}
        readOnly={readOnly}
        onChange={set('collection_order')}
      />
      <Choice
        label="Sync mode"
        value={form.sync_mode}
        options={SYNC_MODES.map((o) => ({ value: o, label: o }))}
        readOnly={readOnly}
        onChange={set('sync_mode')}
      />
      <TextField
        label="Schedule"
        helperText="e.g. daily, weekly(sunday), monthly(1), range(12/01-12/31)"
        value={form.schedule}
        onChange={(e) => set('schedule')(e.target.value)}
        size="small"
        disabled={readOnly}
      />
    </Stack>
  );
}
