// Kysely table types. One interface per table; migrations/ is the source of truth for the DDL.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export type InboundStatus = 'pending' | 'processing' | 'done' | 'failed';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface InboundEventsTable {
  id: Generated<string>;
  platform: string;
  dedupe_key: string;
  user_id: string;
  kind: string;
  payload: Json;
  status: Generated<InboundStatus>;
  attempts: Generated<number>;
  locked_until: Date | null;
  last_error: string | null;
  received_at: Generated<Date>;
  processed_at: Date | null;
}

export interface DeliveriesTable {
  id: Generated<string>;
  idempotency_key: string;
  platform: string;
  recipient: string;
  message: Json;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  locked_until: Date | null;
  platform_msgid: string | null;
  response_code: string | null;
  error_code: string | null;
  error: string | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export interface SettingsTable {
  key: string;
  value: Json;
  updated_at: Generated<Date>;
}

export interface Database {
  inbound_events: InboundEventsTable;
  deliveries: DeliveriesTable;
  settings: SettingsTable;
}

export type InboundEventRow = Selectable<InboundEventsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDelivery = Insertable<DeliveriesTable>;
