/**
 * Helpers of the uTask template validator: collect problems with their file positions, read
 * scalars the way uTask's Go structs decode them (a number where a string is expected becomes a
 * string), and compile templates, turning their syntax errors into file problems.
 */
import type { FileProblem } from '../files/file-error.js';
import type { SourceDoc, ValuePath } from '../files/source.js';
import type { TplTree } from './model.js';
import { compileTemplate, TemplateSyntaxError, type ParsedTemplate } from './template.js';

/** A plain object read from YAML. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects the problems and warnings of one file. */
export class Reader {
  readonly problems: FileProblem[] = [];
  readonly warnings: string[] = [];

  constructor(readonly doc: SourceDoc) {}

  /** Records a problem at `path`. */
  fail(path: ValuePath, message: string, key = false): void {
    this.problems.push(this.doc.problem(path, message, { key }));
  }

  /** Records a warning naming the file and line of `path`. */
  warn(path: ValuePath, message: string): void {
    const { line, column } = this.doc.locate(path, { key: true });
    this.warnings.push(`${this.doc.file}:${line}:${column}: ${message}`);
  }

  /**
   * A string field as uTask's Go decoding reads it: numbers and booleans become their text;
   * absent (undefined / null) gives undefined; anything else is a problem.
   */
  str(value: unknown, path: ValuePath, what: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.fail(path, `${what}: expected a string, got ${Array.isArray(value) ? 'a list' : 'a map'}`);
    return undefined;
  }

  /** A list of strings (each scalar turned into text); absent gives []. */
  strList(value: unknown, path: ValuePath, what: string): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.fail(path, `${what}: expected a list of strings`);
      return [];
    }
    const out: string[] = [];
    value.forEach((v, i) => {
      const s = this.str(v, [...path, i], `${what}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  /** A boolean field (absent gives `fallback`). */
  bool(value: unknown, path: ValuePath, what: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'boolean') return value;
    this.fail(path, `${what}: expected true or false`);
    return fallback;
  }

  /** Compiles a template; a syntax error or an unknown function is a problem naming `where`. */
  tpl(source: string, path: ValuePath, where: string): ParsedTemplate | undefined {
    try {
      return compileTemplate(source);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      this.fail(path, `${where}: ${error.message}`);
      return undefined;
    }
  }

  /** A configuration value with every string leaf compiled. */
  tree(value: unknown, path: ValuePath, where: string): TplTree {
    if (typeof value === 'string') {
      const tpl = this.tpl(value, path, where);
      return tpl === undefined ? { kind: 'value', value } : { kind: 'tpl', tpl };
    }
    if (Array.isArray(value))
      return { kind: 'list', items: value.map((v, i) => this.tree(v, [...path, i], where)) };
    if (isRecord(value))
      return {
        kind: 'map',
        entries: Object.entries(value).map(([k, v]) => [k, this.tree(v, [...path, k], where)] as const),
      };
    return { kind: 'value', value };
  }

  /** Warns about (`warn`) or refuses (`refuse`) keys of `value` outside `known`. */
  keys(
    value: Record<string, unknown>,
    path: ValuePath,
    where: string,
    known: readonly string[],
    unknown: 'warn' | 'refuse',
  ): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      if (unknown === 'warn')
        this.warn([...path, key], `${where}: key '${key}' is ignored (not used by Baton)`);
      else
        this.fail(
          [...path, key],
          `${where}: unknown key '${key}'; expected one of ${known.join(', ')}`,
          true,
        );
    }
  }
}
