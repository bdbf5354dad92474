import DarkModeIcon from '@mui/icons-material/DarkMode';
import DashboardIcon from '@mui/icons-material/Dashboard';
import DescriptionIcon from '@mui/icons-material/Description';
import HistoryIcon from '@mui/icons-material/History';
import LightModeIcon from '@mui/icons-material/LightMode';
import VideoLibraryIcon from '@mui/icons-material/VideoLibrary';
import CollectionsIcon from '@mui/icons-material/CollectionsBookmark';
import MenuIcon from '@mui/icons-material/Menu';
import SettingsBrightnessIcon from '@mui/icons-material/SettingsBrightness';
import SettingsIcon from '@mui/icons-material/Settings';
import {
  AppBar,
  Avatar,
  Box,
  Drawer,
  IconButton,
  List,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  Menu,
  MenuItem,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { useLogoutMutation } from '../features/auth/authApi';
import { StatusChips } from '../features/system/StatusChips';
import { Toaster } from '../shared/Toaster';
import { useAppDispatch, useAppSelector } from './store';
import { nextTheme, themeChosen } from './uiSlice';

const DRAWER = 220;

export const NAV: { to: string; label: string; icon: ReactNode }[] = [
  { to: '/', label: 'Dashboard', icon: <DashboardIcon /> },
  { to: '/libraries', label: 'Libraries', icon: <VideoLibraryIcon /> },
  { to: '/collections', label: 'Collections', icon: <CollectionsIcon /> },
  { to: '/files', label: 'Files', icon: <DescriptionIcon /> },
  { to: '/history', label: 'History', icon: <HistoryIcon /> },
  { to: '/settings', label: 'Settings', icon: <SettingsIcon /> },
];

function isActive(pathname: string, to: string): boolean {
  return to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`);
}

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const { pathname } = useLocation();
  return (
    <List component="nav" aria-label="Main">
      {NAV.map((item) => (
        <ListItemButton
          key={item.to}
          component={NavLink}
          to={item.to}
          selected={isActive(pathname, item.to)}
          onClick={onNavigate}
        >
          <ListItemIcon>{item.icon}</ListItemIcon>
          <ListItemText primary={item.label} />
        </ListItemButton>
      ))}
    </List>
  );
}

function ThemeToggle() {
  const choice = useAppSelector((state) => state.ui.theme);
  const dispatch = useAppDispatch();
  const icon =
    choice === 'light' ? (
      <LightModeIcon />
    ) : choice === 'dark' ? (
      <DarkModeIcon />
    ) : (
      <SettingsBrightnessIcon />
    );
  const label = `Theme: ${choice} (switch to ${nextTheme(choice)})`;
  return (
    <Tooltip title={label}>
      <IconButton color="inherit" aria-label={label} onClick={() => dispatch(themeChosen(nextTheme(choice)))}>
        {icon}
      </IconButton>
    </Tooltip>
  );
}

function UserMenu() {
  const { user, refreshToken } = useAppSelector((state) => state.auth);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [logout] = useLogoutMutation();
  if (!user) return null;
  const initials = user.username.slice(0, 2).toUpperCase();
  return (
    <>
      <IconButton
        color="inherit"
        aria-label={`${initials}: account of ${user.username}`}
        aria-haspopup="menu"
        onClick={(e) => setAnchor(e.currentTarget)}
      >
        <Avatar sx={{ width: 30, height: 30, fontSize: 14 }}>
          {user.username.slice(0, 2).toUpperCase()}
        </Avatar>
      </IconButton>
      <Menu anchorEl={anchor} open={Boolean(anchor)} onClose={() => setAnchor(null)}>
        <MenuItem disabled>
          {user.username} · {user.role}
        </MenuItem>
        <MenuItem
          onClick={() => {
            setAnchor(null);
            void logout({ refreshToken });
          }}
        >
          Sign out
        </MenuItem>
      </Menu>
    </>
  );
}

/** Header (system state, theme, user), a sidebar (a drawer on phones), the page, and the toasts. */
export function Layout() {
  const [open, setOpen] = useState(false);
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1 }} color="default" elevation={1}>
        <Toolbar variant="dense" sx={{ gap: 1 }}>
          <IconButton
            color="inherit"
            edge="start"
            aria-label="Open navigation"
            onClick={() => setOpen(true)}
            sx={{ display: { md: 'none' } }}
          >
            <MenuIcon />
          </IconButton>
          <Typography variant="h6" component="div" sx={{ flexGrow: 1, fontWeight: 600 }}>
            Kometa Panel
          </Typography>
          <StatusChips />
          <ThemeToggle />
          <UserMenu />
        </Toolbar>
      </AppBar>
      <Drawer
        variant="temporary"
        open={open}
        onClose={() => setOpen(false)}
        sx={{ display: { xs: 'block', md: 'none' }, '& .MuiDrawer-paper': { width: DRAWER } }}
      >
        <Toolbar variant="dense" />
        <Sidebar onNavigate={() => setOpen(false)} />
      </Drawer>
      <Drawer
        variant="permanent"
        sx={{
          display: { xs: 'none', md: 'block' },
          width: DRAWER,
          flexShrink: 0,
          '& .MuiDrawer-paper': { width: DRAWER, boxSizing: 'border-box' },
        }}
      >
        <Toolbar variant="dense" />
        <Sidebar />
      </Drawer>
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, p: { xs: 1.5, md: 3 } }}>
        <Toolbar variant="dense" />
        <Outlet />
      </Box>
      <Toaster />
    </Box>
  );
}
