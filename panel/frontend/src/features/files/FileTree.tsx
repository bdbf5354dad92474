import ExpandLessIcon from '@mui/icons-material/ExpandLess';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import FolderIcon from '@mui/icons-material/Folder';
import InsertDriveFileOutlinedIcon from '@mui/icons-material/InsertDriveFileOutlined';
import { Chip, Collapse, List, ListItemButton, ListItemIcon, ListItemText } from '@mui/material';
import { useMemo, useState } from 'react';
import { ancestors, buildTree, type TreeNode } from './buildTree';

interface Props {
  paths: string[];
  selected: string | null;
  drafts: string[];
  onOpen: (path: string) => void;
}

/** The repository's files as folders that open and close; files with a draft carry a chip. */
export function FileTree({ paths, selected, drafts, onOpen }: Props) {
  const tree = useMemo(() => buildTree(paths), [paths]);
  const [open, setOpen] = useState<Set<string>>(() => new Set(selected ? ancestors(selected) : []));
  const toggle = (path: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  const render = (nodes: TreeNode[], depth: number) =>
    nodes.map((node) =>
      node.children ? (
        <li key={node.path}>
          <ListItemButton
            onClick={() => toggle(node.path)}
            sx={{ pl: 1 + depth * 2 }}
            aria-expanded={open.has(node.path)}
            dense
          >
            <ListItemIcon sx={{ minWidth: 30 }}>
              <FolderIcon fontSize="small" />
            </ListItemIcon>
            <ListItemText primary={node.name} />
            {open.has(node.path) ? <ExpandLessIcon fontSize="small" /> : <ExpandMoreIcon fontSize="small" />}
          </ListItemButton>
          <Collapse in={open.has(node.path)} unmountOnExit>
            <List disablePadding>{render(node.children, depth + 1)}</List>
          </Collapse>
        </li>
      ) : (
        <li key={node.path}>
          <ListItemButton
            selected={node.path === selected}
            aria-current={node.path === selected ? 'page' : undefined}
            onClick={() => onOpen(node.path)}
            sx={{ pl: 1 + depth * 2 }}
            dense
          >
            <ListItemIcon sx={{ minWidth: 30 }}>
              <InsertDriveFileOutlinedIcon fontSize="small" />
            </ListItemIcon>
            <ListItemText primary={node.name} slotProps={{ primary: { sx: { fontFamily: 'monospace' } } }} />
            {drafts.includes(node.path) && (
              <Chip size="small" label="draft" color="warning" variant="outlined" />
            )}
          </ListItemButton>
        </li>
      ),
    );

  return (
    <List dense aria-label="Files" sx={{ '& ul': { p: 0 } }}>
      {render(tree, 0)}
    </List>
  );
}
