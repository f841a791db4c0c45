export * from './subjects';
export * from './sensor-kinds';
export * from './telemetry';
export * from './dead-letter';
export * from './models';
export * from './serving';
export * from './edge';
