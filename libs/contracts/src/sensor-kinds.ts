import { z } from 'zod';
import { TOKEN_PATTERN } from './subjects';

/** One measured quantity of a sensor kind, with the unit and the range a healthy sensor reports. */
export const fieldSpecSchema = z
  .object({
    unit: z.string().min(1).max(32),
    description: z.string().max(200).optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    integer: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, {
    message: 'min must be <= max',
  });

const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;

export const sensorKindSchema = z
  .object({
    name: z.string().regex(TOKEN_PATTERN, `must match ${TOKEN_PATTERN.source}`),
    description: z.string().max(500).default(''),
    fields: z
      .record(z.string().regex(FIELD_NAME, `field names must match ${FIELD_NAME.source}`), fieldSpecSchema)
      .refine((fields) => Object.keys(fields).length > 0, {
        message: 'a sensor kind needs at least one field',
      })
      .refine((fields) => Object.keys(fields).length <= 64, { message: 'at most 64 fields' }),
  })
  .strict();

export type FieldSpec = z.infer<typeof fieldSpecSchema>;
export type SensorKind = z.infer<typeof sensorKindSchema>;

export const BUILTIN_SENSOR_KINDS: readonly SensorKind[] = [
  {
    name: 'traffic-loop',
    description: 'Inductive loop at an intersection approach',
    fields: {
      vehicleCount: { unit: 'vehicles/interval', min: 0, integer: true },
      meanSpeedKmh: { unit: 'km/h', min: 0, max: 250 },
      occupancyPct: { unit: '%', min: 0, max: 100 },
    },
  },
  {
    name: 'energy-meter',
    description: 'Substation feeder meter',
    fields: {
      activePowerKw: { unit: 'kW' },
      voltageV: { unit: 'V', min: 0, max: 1_000_000 },
      frequencyHz: { unit: 'Hz', min: 40, max: 70 },
    },
  },
  {
    name: 'air-quality',
    description: 'Roadside air-quality station',
    fields: {
      pm25: { unit: 'µg/m³', min: 0 },
      no2: { unit: 'µg/m³', min: 0 },
    },
  },
];
