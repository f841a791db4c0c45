import type { Attribute, Node } from '../proto/onnx-types';

/** Typed attribute reads with the ONNX defaults supplied by the caller. */
export class NodeView {
  private readonly attributes: ReadonlyMap<string, Attribute>;

  constructor(readonly node: Node) {
    this.attributes = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
  }

  get opType(): string {
    return this.node.opType ?? '';
  }

  get inputs(): string[] {
    return this.node.input ?? [];
  }

  get outputs(): string[] {
    return this.node.output ?? [];
  }

  /** The i-th input name, or undefined when absent or given as "" (an omitted optional input). */
  input(index: number): string | undefined {
    const name = this.inputs[index];
    return name === undefined || name === '' ? undefined : name;
  }

  has(name: string): boolean {
    return this.attributes.has(name);
  }

  int(name: string, fallback: number): number {
    return this.attributes.get(name)?.i ?? fallback;
  }

  ints(name: string): number[] | undefined {
    const attribute = this.attributes.get(name);
    return attribute?.ints && attribute.ints.length > 0 ? attribute.ints : undefined;
  }

  string(name: string, fallback: string): string {
    const bytes = this.attributes.get(name)?.s;
    return bytes ? Buffer.from(bytes).toString('utf8') : fallback;
  }

  attribute(name: string): Attribute | undefined {
    return this.attributes.get(name);
  }
}
