import { DemoArgsError, parseDemoArgs } from './demo-args';

describe('parseDemoArgs', () => {
  it('tries KuCoin and runs until stopped by default', () => {
    expect(parseDemoArgs([])).toEqual({ feed: 'auto', durationSeconds: undefined, help: false });
  });

  it('reads --simulated, --live and both forms of --duration', () => {
    expect(parseDemoArgs(['--simulated', '--duration', '60'])).toMatchObject({
      feed: 'simulated',
      durationSeconds: 60,
    });
    expect(parseDemoArgs(['--live', '--duration=2.5'])).toMatchObject({ feed: 'live', durationSeconds: 2.5 });
    expect(parseDemoArgs(['--help']).help).toBe(true);
  });

  it('takes the feed from DEMO_FEED, which a flag overrides', () => {
    expect(parseDemoArgs([], { DEMO_FEED: 'simulated' }).feed).toBe('simulated');
    expect(parseDemoArgs(['--live'], { DEMO_FEED: 'simulated' }).feed).toBe('live');
  });

  it.each([
    [['--duration'], /positive number/],
    [['--duration', '0'], /positive number/],
    [['--duration', 'soon'], /positive number/],
    [['--fast'], /Unknown option "--fast"/],
  ])('rejects %p', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(DemoArgsError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });

  it('rejects an unknown DEMO_FEED', () => {
    expect(() => parseDemoArgs([], { DEMO_FEED: 'kucoin' })).toThrow(/DEMO_FEED must be/);
  });
});
