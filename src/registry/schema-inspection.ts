/**
 * The costly checks of a submitted definition, as plain functions: meta-validation, the
 * complexity measure, compiling, validating its examples, and the compatibility diff. A
 * `SchemaInspector` runs them on a worker thread for definitions users send, so a hostile one
 * never blocks the event loop; built-in definitions run them in-process.
 */
import { AppError, ErrorCode } from '../errors';
import type { CompatibilityMode } from './compatibility';
import type { SchemaValidator } from './validator';
import { assessChange, type ChangeAssessment } from './version-bump';

export type InspectionRequest =
  | { kind: 'inspect'; definition: Record<string, unknown>; examples: unknown[] }
  | { kind: 'compatibility'; previous: unknown; next: unknown; mode: CompatibilityMode };

/**
 * Throws INVALID_SCHEMA, SCHEMA_TOO_COMPLEX, or VALIDATION_FAILED (an example that does not match
 * the definition, with paths under `/examples/<n>`).
 */
export function inspectDefinition(
  validator: SchemaValidator,
  definition: Record<string, unknown>,
  examples: unknown[],
): void {
  const compiled = validator.check(validator.draftOf(definition), definition);
  examples.forEach((example, index) => {
    if (!compiled(example)) {
      const issues = validator
        .issuesOf(compiled)
        .map((i) => ({ ...i, path: `/examples/${index}${i.path === '/' ? '' : i.path}` }));
      throw new AppError(
        ErrorCode.VALIDATION_FAILED,
        `Example ${index} does not match the schema itself`,
        { issues, field: 'examples' },
      );
    }
  });
}

export function runInspection(
  validator: SchemaValidator,
  request: InspectionRequest,
): ChangeAssessment | null {
  if (request.kind === 'inspect') {
    inspectDefinition(validator, request.definition, request.examples);
    return null;
  }
  return assessChange(request.previous, request.next, request.mode);
}
