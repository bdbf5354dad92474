import { Box } from '@mui/material';
import { useEffect, useState } from 'react';
import { useAppSelector } from '../../app/store';

/** A poster from the panel's poster route: fetched with the session's bearer token (an <img> cannot send
 * it) and shown from a blob URL, released when the poster changes or leaves the page. */
export function Poster({ src, alt, width }: { src: string | null; alt: string; width: number }) {
  const token = useAppSelector((state) => state.auth.accessToken);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!src) return undefined;
    const controller = new AbortController();
    let objectUrl: string | null = null;
    const sized = `${src}${src.includes('?') ? '&' : '?'}width=${width * 2}`;
    fetch(sized, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal: controller.signal,
    })
      .then((response) => (response.ok ? response.blob() : null))
      .then((blob) => {
        if (!blob) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [src, token, width]);
  return (
    <Box
      data-poster={src && !url ? 'loading' : 'shown'}
      sx={{
        width,
        aspectRatio: '2 / 3',
        bgcolor: 'action.hover',
        borderRadius: 1,
        overflow: 'hidden',
        display: 'grid',
        placeItems: 'center',
      }}
    >
      {url ? (
        <img src={url} alt={alt} style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
      ) : (
        <span aria-hidden="true" style={{ fontSize: 12, opacity: 0.6 }}>
          {src ? '…' : 'No poster'}
        </span>
      )}
    </Box>
  );
}
