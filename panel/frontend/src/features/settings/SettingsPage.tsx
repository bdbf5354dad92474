import { Box, Tab, Tabs, Typography } from '@mui/material';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { useAppSelector } from '../../app/store';
import type { User } from '../../shared/api/models';
import { hasRole } from '../auth/authSlice';
import { AuditTab } from './AuditTab';
import { SecretsTab } from './SecretsTab';
import { TokensTab } from './TokensTab';
import { UsersTab } from './UsersTab';

const TABS = [
  { id: 'tokens', label: 'Access tokens', admin: false, element: <TokensTab /> },
  { id: 'users', label: 'Users', admin: true, element: <UsersTab /> },
  { id: 'secrets', label: 'Secrets', admin: true, element: <SecretsTab /> },
  { id: 'audit', label: 'Audit log', admin: true, element: <AuditTab /> },
];

/** The tabs a user may open: every user manages their tokens; users, secrets and audit are for admins. */
export function tabsFor(user: User | null) {
  return TABS.filter((tab) => !tab.admin || hasRole(user, 'admin'));
}

export function SettingsPage() {
  const user = useAppSelector((state) => state.auth.user);
  const tabs = tabsFor(user);
  const navigate = useNavigate();
  const wanted = useParams().tab;
  const current = tabs.find((tab) => tab.id === wanted);
  if (!current) return <Navigate to={`/settings/${tabs[0]?.id ?? 'tokens'}`} replace />;
  return (
    <>
      <Typography variant="h4" component="h1" sx={{ mb: 1 }}>
        Settings
      </Typography>
      <Tabs
        value={current.id}
        onChange={(_e, id: string) => navigate(`/settings/${id}`)}
        sx={{ mb: 2 }}
        variant="scrollable"
      >
        {tabs.map((tab) => (
          <Tab key={tab.id} value={tab.id} label={tab.label} />
        ))}
      </Tabs>
      <Box>{current.element}</Box>
    </>
  );
}
