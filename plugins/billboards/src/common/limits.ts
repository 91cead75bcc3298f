/** The rules a billboard must follow; the server checks them, the admin UI mirrors them. */
export const BillboardLimits = {
  /** Billboards per site/window. */
  perScope: 10,
  /** Characters of text (Unicode code points). */
  textMax: 280,
  /** Characters of a link. */
  linkMax: 2000,
  /** Bytes of an uploaded image. */
  imageMaxBytes: 256 * 1024,
  /** Image types accepted, checked by their magic bytes. */
  imageTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const,
  intervalMin: 3,
  intervalMax: 60,
} as const;

/** An accepted image content type. */
export type ImageType = (typeof BillboardLimits.imageTypes)[number];
