import { registerAs } from '@nestjs/config';
import { intVar, parseEnv } from './parse-env';

export const httpConfig = registerAs('http', () => {
  const env = parseEnv({ PORT: intVar(3000, 0, 65_535) });
  return { port: env.PORT };
});
export type HttpConfig = ReturnType<typeof httpConfig>;
