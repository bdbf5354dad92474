export interface TreeNode {
  name: string;
  path: string;
  children: TreeNode[] | null;
}

/** Nest flat repository paths into folders (folders first, then files, each by name). */
export function buildTree(paths: string[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', children: [] };
  for (const path of paths) {
    const parts = path.split('/');
    let node = root;
    parts.forEach((part, index) => {
      const isFile = index === parts.length - 1;
      const childPath = parts.slice(0, index + 1).join('/');
      let child = node.children?.find((item) => item.name === part && (item.children === null) === isFile);
      if (!child) {
        child = { name: part, path: childPath, children: isFile ? null : [] };
        node.children?.push(child);
      }
      node = child;
    });
  }
  const sort = (nodes: TreeNode[]): TreeNode[] =>
    nodes
      .map((n) => (n.children ? { ...n, children: sort(n.children) } : n))
      .sort(
        (a, b) => Number(a.children === null) - Number(b.children === null) || a.name.localeCompare(b.name),
      );
  return sort(root.children ?? []);
}

/** The folders on the way to `path`, so the tree opens at the file being edited. */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_part, index) => parts.slice(0, index + 1).join('/'));
}
