// A field a platform posts, bounded: beyond the platform's own limits a value is not a message but an attack,
// refused with 400 before it costs a row (a 3,000-byte key does not even fit PostgreSQL's index).
import { BadRequestError } from '../../errors.ts';

/** A field longer than the platform ever sends: refused with 400, the field named in the log, never its content. */
export class FieldTooLongError extends BadRequestError {
  constructor(readonly field: string) {
    super('field_too_long', `${field} too long`);
  }

  override get logFields() {
    return { field: this.field };
  }
}

/** Throws FieldTooLongError when value is longer than limit UTF-8 bytes. */
export function checkLength(field: string, value: string, limit: number): void {
  // value.length ≤ limit/3 is certainly short enough: skip counting bytes for the usual short field.
  if (value.length * 3 > limit && Buffer.byteLength(value, 'utf8') > limit) throw new FieldTooLongError(field);
}
