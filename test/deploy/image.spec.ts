import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Dockerfile instructions, continuation lines joined and comments dropped. */
function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : [path];
  });
}

const dockerfile = instructions(read('Dockerfile'));
const froms = dockerfile.filter((line) => /^FROM\s/i.test(line));
const stages = froms.map((line) => /\sAS\s+(\S+)/i.exec(line)?.[1]).filter(Boolean);

describe('Container image', () => {
  it('pins every base image by digest (a stage may build on an earlier stage)', () => {
    expect(froms.length).toBeGreaterThan(0);
    for (const line of froms) {
      const image = line.split(/\s+/).find((word, i) => i > 0 && !word.startsWith('--'))!;
      if (stages.includes(image)) continue;
      expect(image).toMatch(/^[a-z0-9./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
      expect(image).not.toMatch(/:latest@/);
    }
  });

  it('runs no dependency install script: every npm ci and npm install has --ignore-scripts', () => {
    const installs = dockerfile.filter((line) => /\bnpm\s+(ci|install|i)\b/.test(line));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line).toContain('--ignore-scripts');
  });

  it('copies only the build inputs: never tools/ (demo, simulator) or test/', () => {
    const sources = dockerfile
      .filter((line) => /^COPY\s/i.test(line) && !/--from=/.test(line))
      .flatMap((line) =>
        line
          .split(/\s+/)
          .slice(1, -1)
          .filter((word) => !word.startsWith('--')),
      );
    const allowed = /^(package(-lock)?\.json|nest-cli\.json|tsconfig(\.build)?\.json|src)$/;
    expect(sources.filter((source) => !allowed.test(source))).toEqual([]);
  });

  it('keeps tools/, test/ and deploy/ out of the build context', () => {
    const ignored = read('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['tools', 'test', 'deploy', 'node_modules', '.git']));
  });

  it('builds src/ only, and nothing in src/ outside specs reaches into tools/ or test/', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[]; exclude: string[] };
    expect(build.include).toEqual(['src/**/*.ts']);
    expect(build.exclude).toEqual(expect.arrayContaining(['test', 'tools', '**/*.spec.ts']));
    const leaks = sourceFiles(join(ROOT, 'src'))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .filter((file) => /from\s+'(\.\.\/)+(tools|test)\//.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(leaks).toEqual([]);
  });
});

describe('One Node major for tests, CI and the image', () => {
  const imageVersion = /^FROM\s+node:(\d+)\.(\d+)\.(\d+)-/m.exec(read('Dockerfile'));
  const ciVersion = /^NODE_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(read('.ci/run'));
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const typesNode = (JSON.parse(read('package.json')) as { devDependencies: Record<string, string> })
    .devDependencies['@types/node'];

  it('runs CI on the exact Node release of the image', () => {
    expect(imageVersion).not.toBeNull();
    expect(ciVersion).not.toBeNull();
    expect(ciVersion!.slice(1)).toEqual(imageVersion!.slice(1));
  });

  it('declares that major in engines and types against it', () => {
    const major = imageVersion![1];
    expect(Number(major) % 2).toBe(0);
    expect(engines).toMatch(new RegExp(`^\\^${major}\\.\\d+\\.\\d+$`));
    expect(typesNode).toMatch(new RegExp(`^\\^${major}\\.`));
  });
});
