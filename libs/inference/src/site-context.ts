/** Site-wide values models take as context (air temperature): the latest reading, else a configured default. */
export class SiteContext {
  private readonly latest = new Map<string, number>();

  constructor(private readonly defaults: Readonly<Record<string, number>>) {}

  get names(): string[] {
    return [...new Set([...Object.keys(this.defaults), ...this.latest.keys()])];
  }

  update(values: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(values))
      if (Number.isFinite(value)) this.latest.set(name, value);
  }

  valueOf(name: string): number | undefined {
    return this.latest.get(name) ?? this.defaults[name];
  }
}
