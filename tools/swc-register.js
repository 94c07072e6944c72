/**
 * Lets plain `node` run TypeScript files (benchmarks, measurement scripts) through the same SWC transform
 * Jest uses: `node -r ./tools/swc-register.js path/to/file.ts`.
 */
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const options = JSON.parse(readFileSync(join(__dirname, '../.swcrc'), 'utf8'));
delete options.$schema;

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    ...options,
    filename,
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
