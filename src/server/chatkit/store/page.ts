import type { Page } from '../types.js';
import type { Order } from './store.js';

/** Throws a `RangeError` naming the fix unless `limit` is a whole number ≥ 1. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a whole number ≥ 1 (got ${String(limit)})`);
  }
}

/** Throws a `RangeError` unless `order` is 'asc' or 'desc' (the value reaches SQL as a keyword). */
export function checkOrder(order: Order): void {
  if (order !== 'asc' && order !== 'desc') {
    throw new RangeError(`order must be 'asc' or 'desc' (got ${JSON.stringify(order)})`);
  }
}

/**
 * A page from up to `limit + 1` records fetched in order: the extra record only tells that more exist.
 * `after` is the last returned id when there is a next page, else null (chatkit-python's `Page`).
 */
export function toPage<T extends { id: string }>(records: T[], limit: number): Page<T> {
  const hasMore = records.length > limit;
  const data = hasMore ? records.slice(0, limit) : records;
  return { data, has_more: hasMore, after: hasMore ? data[data.length - 1]!.id : null };
}

/**
 * `created_at` (an ISO 8601 string, or a Date from a caller that did not serialise yet) as epoch milliseconds,
 * the sortable form stores index. A value that is no date is a `TypeError` naming the record.
 */
export function createdAtMillis(createdAt: unknown, what: string): number {
  const millis = createdAt instanceof Date ? createdAt.getTime() : typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
  if (!Number.isFinite(millis)) {
    throw new TypeError(`${what}.created_at must be an ISO 8601 date string (got ${JSON.stringify(createdAt)})`);
  }
  return millis;
}

/**
 * The record as stored: a JSON round trip, so a caller that keeps mutating its object never changes what was
 * saved, and every store returns the same shapes (dates as ISO strings, no `undefined` fields).
 */
export function toDocument(record: object): string {
  return JSON.stringify(record);
}

/** A stored JSON document back as an object. */
export function fromDocument<T>(document: string): T {
  return JSON.parse(document) as T;
}
