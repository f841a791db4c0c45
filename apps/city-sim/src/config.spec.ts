import { ConfigError, SETTINGS, parseCommandLine, redactUrl, usage, type CitySimConfig } from './config';

function configOf(env: Record<string, string | undefined>, argv: string[] = []): CitySimConfig {
  const parsed = parseCommandLine(env, argv);
  if (parsed.help) throw new Error('unexpected --help');
  return parsed.config;
}

function errorOf(env: Record<string, string | undefined>, argv: string[] = []): ConfigError {
  try {
    parseCommandLine(env, argv);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('city-sim config', () => {
  it('has working defaults with an empty environment', () => {
    expect(configOf({})).toEqual({
      natsUrls: ['nats://127.0.0.1:4222'],
      subjectPrefix: 'polis',
      intersections: 6,
      substations: 3,
      intervalMs: 1000,
      seed: 'polis',
      dropoutProbability: 0.05,
      speed: 1,
      simStartMs: undefined,
      timestamps: 'wall',
      summaryIntervalMs: 10_000,
      logLevel: 'info',
    });
  });

  it('reads every variable from the environment, treating blank values as unset', () => {
    const config = configOf({
      NATS_URL: 'nats://10.0.0.1:4222, tls://nats.example:4443',
      POLIS_SUBJECT_PREFIX: 'city.test-1',
      CITY_INTERSECTIONS: '12',
      CITY_SUBSTATIONS: ' 0 ',
      CITY_INTERVAL_MS: '250',
      CITY_SEED: 'springfield',
      CITY_DROPOUT_PROBABILITY: '0.5',
      CITY_SPEED: '1440',
      CITY_START: '2025-03-03T06:00:00Z',
      CITY_TIMESTAMPS: 'simulated',
      CITY_SUMMARY_INTERVAL_MS: '',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toEqual({
      natsUrls: ['nats://10.0.0.1:4222', 'tls://nats.example:4443'],
      subjectPrefix: 'city.test-1',
      intersections: 12,
      substations: 0,
      intervalMs: 250,
      seed: 'springfield',
      dropoutProbability: 0.5,
      speed: 1440,
      simStartMs: Date.UTC(2025, 2, 3, 6),
      timestamps: 'simulated',
      summaryIntervalMs: 10_000,
      logLevel: 'debug',
    });
  });

  it('lets CLI flags override the environment', () => {
    const config = configOf({ CITY_SPEED: '2', CITY_SEED: 'env' }, ['--speed', '60', '--seed=cli']);
    expect(config.speed).toBe(60);
    expect(config.seed).toBe('cli');
  });

  it.each([
    [{ CITY_SPEED: 'fast' }, 'CITY_SPEED', /must be a number/],
    [{ CITY_SPEED: '0' }, 'CITY_SPEED', /between/],
    [{ CITY_INTERSECTIONS: '2.5' }, 'CITY_INTERSECTIONS', /integer/],
    [{ CITY_SUBSTATIONS: '1000' }, 'CITY_SUBSTATIONS', /between 0 and 999/],
    [{ CITY_INTERVAL_MS: '10' }, 'CITY_INTERVAL_MS', /between 50/],
    [{ CITY_DROPOUT_PROBABILITY: '1.5' }, 'CITY_DROPOUT_PROBABILITY', /between 0 and 1/],
    [{ NATS_URL: 'localhost:4222' }, 'NATS_URL', /nats:\/\/host:port/],
    [{ NATS_URL: 'http://127.0.0.1:4222' }, 'NATS_URL', /nats:\/\/host:port/],
    [{ POLIS_SUBJECT_PREFIX: 'polis.*' }, 'POLIS_SUBJECT_PREFIX', /tokens/],
    [{ POLIS_SUBJECT_PREFIX: 'Polis' }, 'POLIS_SUBJECT_PREFIX', /tokens/],
    [{ CITY_START: 'yesterday' }, 'CITY_START', /RFC 3339/],
    [{ CITY_SEED: 'x'.repeat(129) }, 'CITY_SEED', /128/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /Invalid enum/],
  ])('rejects %j naming %s', (env, variable, message) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}:`)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('names the flag too when the bad value came from the command line', () => {
    expect(errorOf({}, ['--intersections', 'many']).variable).toBe('CITY_INTERSECTIONS (--intersections)');
  });

  it('rejects unknown flags and positionals', () => {
    expect(errorOf({}, ['--sped', '2']).variable).toBe('argv');
    expect(errorOf({}, ['extra']).variable).toBe('argv');
  });

  it('answers --help with a usage listing every variable', () => {
    expect(parseCommandLine({ CITY_SPEED: 'broken' }, ['--help'])).toEqual({ help: true });
    for (const name of Object.keys(SETTINGS)) expect(usage()).toContain(name);
  });

  it('never echoes credentials of a NATS URL', () => {
    expect(redactUrl('nats://alice:s3cret@nats.internal:4222')).toBe('nats://nats.internal:4222');
    expect(redactUrl('tls://nats.internal:4443?token=abc')).toBe('tls://nats.internal:4443');
    const error = errorOf({ NATS_URL: 'http://bob:hunter2@host:4222' });
    expect(error.message).not.toContain('hunter2');
  });
});
