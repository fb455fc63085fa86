export type WatermarkKind = 'csv' | 'image' | 'manifest';

/** How a media type is marked per licence. */
export function watermarkKind(mediaType: string): WatermarkKind {
  const type = mediaType.split(';')[0].trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/csv') {
    return 'csv';
  }
  if (type === 'image/png' || type === 'image/jpeg' || type === 'image/jpg') {
    return 'image';
  }
  return 'manifest';
}
