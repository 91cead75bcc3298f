/**
 * Shapes the billboards API answers with, shared by the server and (as types only) the UI.
 * Times are epoch milliseconds.
 */

/** What a billboard shows. */
export type BillboardKind = 'text' | 'link' | 'image';

/** A billboard as its managers see it. */
export interface Billboard {
  readonly id: string;
  readonly siteId: string;
  /** Chat window name, or null for every window of the site. */
  readonly window: string | null;
  readonly kind: BillboardKind;
  /** The message (`text`, `link`) or the image's alternative text (`image`); plain text. */
  readonly text: string;
  /** `http(s)` link opened in a new tab; null for `text`. */
  readonly linkUrl: string | null;
  /** Uploaded image of an `image` billboard, else null. */
  readonly imageId: string | null;
  /** Where the image is served (a path on this server), else null. */
  readonly imageUrl: string | null;
  readonly enabled: boolean;
  /** Seconds shown before the next one; null uses the tenant's `defaultIntervalSeconds`. */
  readonly intervalSeconds: number | null;
  readonly startsAt: number | null;
  readonly endsAt: number | null;
  /** Order within its site/window, from 0. */
  readonly position: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A billboard as a visitor's widget receives it. */
export interface ActiveBillboard {
  readonly id: string;
  readonly kind: BillboardKind;
  readonly text: string;
  readonly linkUrl: string | null;
  readonly imageUrl: string | null;
  /** Seconds shown before the next one (the tenant default filled in). */
  readonly intervalSeconds: number;
}

/** Answer of `GET /active`. */
export interface ActiveBillboards {
  readonly siteId: string;
  /** The window whose own set is shown, or null for the site's set. */
  readonly window: string | null;
  readonly billboards: readonly ActiveBillboard[];
}

/** One line of the report. */
export interface BillboardReportRow {
  readonly id: string;
  readonly siteId: string;
  readonly window: string | null;
  readonly kind: BillboardKind;
  readonly text: string;
  readonly enabled: boolean;
  readonly impressions: number;
  readonly clicks: number;
  /** clicks / impressions, 0 without impressions. */
  readonly ctr: number;
}

/** Answer of `GET /report`. */
export interface BillboardReport {
  readonly from: number | null;
  readonly to: number | null;
  readonly billboards: readonly BillboardReportRow[];
  readonly totals: { readonly impressions: number; readonly clicks: number; readonly ctr: number };
}

/** Per-tenant settings (mirrors contributes.configuration in package.json). */
export interface BillboardsSettings {
  showToVisitors: boolean;
  defaultIntervalSeconds: number;
}
