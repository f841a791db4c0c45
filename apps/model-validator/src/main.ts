/**
 * model-validator: loads one ONNX model in onnxruntime, in a process of its own, so that a model which hangs,
 * crashes or exhausts memory takes down only this process. The control plane forks it with an IPC channel,
 * sends one ValidationRequest and reads one ValidationReply; it kills the process at its time limit.
 *
 * Run by hand: `node dist/apps/model-validator/main.js model.onnx [sample.json]` prints the reply as JSON.
 */
import { readFile } from 'node:fs/promises';
import {
  TEST_FAULT_VARIABLE,
  type ValidationReply,
  type ValidationRequest,
  sampleInputSchema,
} from './protocol';
import { testFault } from './test-fault';
import { validateModel } from './validate-model';

const beforeSession = testFault(process.env[TEST_FAULT_VARIABLE]);

async function fromCommandLine(args: string[]): Promise<ValidationRequest> {
  const [modelPath, samplePath] = args;
  if (!modelPath) throw new Error('usage: model-validator <model.onnx> [sample.json]');
  if (!samplePath) return { modelPath };
  return { modelPath, sample: sampleInputSchema.parse(JSON.parse(await readFile(samplePath, 'utf8'))) };
}

async function reply(message: ValidationReply): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) {
    process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
    return;
  }
  await new Promise<void>((resolve, reject) =>
    send(message, undefined, {}, (e) => (e ? reject(e) : resolve())),
  );
}

async function main(): Promise<void> {
  const request = process.send
    ? await new Promise<ValidationRequest>((resolve) =>
        process.once('message', (m) => resolve(m as ValidationRequest)),
      )
    : await fromCommandLine(process.argv.slice(2));
  await reply(await validateModel(request, beforeSession));
  process.disconnect?.();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`model-validator failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(70); // EX_SOFTWARE: the control plane reports it as a validator failure
  },
);
