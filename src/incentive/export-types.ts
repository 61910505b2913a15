// The types every incentive exporter shares with the family (./export.ts registers the exporters): the export
// family's own (src/export/family.ts) under the incentive names, kept apart so an exporter imports them without
// importing the registry that imports it (no dependency cycle). Types only.
export type {
  FamilyExportSettings as IncentiveExportSettings,
  FamilyExportRow as IncentiveExportRow,
  FamilyExporter as IncentiveExporter,
} from '../export/family.ts';
