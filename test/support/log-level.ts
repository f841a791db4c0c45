/**
 * How loud the processes a test starts are. In-process control planes log at `warn` unless
 * POLIS_TEST_LOG_LEVEL asks for more (e.g. `POLIS_TEST_LOG_LEVEL=debug npx jest test/sites`).
 */
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type TestLogLevel = (typeof LEVELS)[number];

function requested(): TestLogLevel | undefined {
  const value = process.env.POLIS_TEST_LOG_LEVEL;
  if (value === undefined || value === '') return undefined;
  if (!(LEVELS as readonly string[]).includes(value))
    throw new Error(`POLIS_TEST_LOG_LEVEL: must be one of ${LEVELS.join(', ')}, got "${value}"`);
  return value as TestLogLevel;
}

/** The level set by POLIS_TEST_LOG_LEVEL, or undefined when the developer did not ask. */
export const REQUESTED_TEST_LOG_LEVEL = requested();

/** The level of an in-process control plane: `warn` unless asked. */
export const CONTROL_PLANE_LOG_LEVEL: TestLogLevel = REQUESTED_TEST_LOG_LEVEL ?? 'warn';
