/**
 * Prints one line, `N passed, N failed`, over the jest --json result files of every tier the test command ran.
 * A suite that failed to run counts as one failure, and so does a tier whose result file is missing or unreadable
 * (jest crashed before writing it), so the line never reads "0 failed" for a broken run.
 *
 * Usage: ts-node scripts/test-totals.ts <jest-result.json>...
 */
import { readFileSync } from 'node:fs';

interface JestResult {
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
}

function isJestResult(value: unknown): value is JestResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['numPassedTests', 'numFailedTests', 'numRuntimeErrorTestSuites'].every(
    (key) => typeof v[key] === 'number',
  );
}

function read(file: string): JestResult | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isJestResult(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  const result = read(file);
  if (!result) {
    failed += 1;
    continue;
  }
  passed += result.numPassedTests;
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
