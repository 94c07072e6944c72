export interface ProbeSample {
  readonly at: number;
  /** HTTP status, or 0 when the request itself failed. */
  readonly status: number;
}

/** Polls a health URL every `everyMs` until stopped, keeping every answer with its time. */
export class HealthProbe {
  readonly samples: ProbeSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly url: string,
    private readonly everyMs = 200,
  ) {}

  start(): this {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    return this;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  between(from: number, to: number): ProbeSample[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    let status = 0;
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(2_000) });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    } finally {
      this.samples.push({ at: Date.now(), status });
      this.busy = false;
    }
  }
}
