import { parseHelpScoutDate } from './dates.ts';
import type { SimulatorState } from './state.ts';
import type { SimAttachment } from './types.ts';
import type { ErrorCode, FieldError } from './vnd-error.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const enumMessage = (allowed: readonly string[]): string =>
  `Expected one of these: ${allowed.map((a) => `'${a}'`).join(', ')}`;

/** Collects every field error of a request body, so one 400 lists them all like Help Scout does. */
export class Validator {
  readonly errors: FieldError[] = [];

  constructor(private readonly state: SimulatorState) {}

  add(path: string, code: ErrorCode, message: string, rejectedValue?: unknown): null {
    this.errors.push(rejectedValue === undefined ? { path, code, message } : { path, code, message, rejectedValue });
    return null;
  }

  requiredText(value: unknown, path: string): string | null {
    if (value === undefined || value === null || value === '') return this.add(path, 'NotEmpty', 'may not be empty');
    if (typeof value !== 'string') return this.add(path, 'Type', 'Expected a string', value);
    if (value.trim() === '') return this.add(path, 'NotEmpty', 'may not be empty', value);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T | null {
    const found = allowed.find((a) => a === value);
    return found ?? this.add(path, 'EnumValue', enumMessage(allowed), value);
  }

  optionalBoolean(value: unknown, path: string): boolean | null {
    if (value === undefined || value === null) return null;
    return typeof value === 'boolean' ? value : this.add(path, 'Type', 'Expected a boolean', value);
  }

  /** `createdAt` is only for imported threads, and only as `yyyy-MM-dd'T'HH:mm:ss'Z'`. */
  optionalCreatedAt(value: unknown, path: string, imported: boolean): number | null {
    if (value === undefined || value === null) return null;
    const ms = typeof value === 'string' ? parseHelpScoutDate(value) : null;
    if (ms === null) return this.add(path, 'MalformedDate', 'Malformed date', value);
    return imported ? ms : this.add(path, 'Type', 'createdAt can only be used with imported set to true', value);
  }

  /** A positive whole number; numeric strings are accepted as Jackson accepts them. */
  identifier(value: unknown, path: string): number | null {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : this.add(path, 'InvalidNumber', 'Invalid number', value);
  }

  optionalUser(value: unknown, path: string): number | null {
    if (value === undefined || value === null) return null;
    const id = this.identifier(value, path);
    if (id === null) return null;
    return this.state.users.has(id) ? id : this.add(path, 'InvalidIdentifier', 'Invalid identifier', value);
  }

  email(value: unknown, path: string): string | null {
    const email = this.requiredText(value, path);
    if (email === null) return null;
    return EMAIL.test(email) ? email : this.add(path, 'Email', 'Not well-formed email', value);
  }

  /** Optional person name: 1..40 characters when given (reported by an importer; unverified). */
  optionalName(value: unknown, path: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string' && value.length >= 1 && value.length <= 40) return value;
    return this.add(path, 'Size', 'size must be between 1 and 40', value);
  }

  optionalStringArray(value: unknown, path: string): string[] | null {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value)) return this.add(path, 'Type', 'Expected an array', value);
    return value.flatMap((item: unknown, i) => this.requiredText(item, `${path}[${i}]`) ?? []);
  }

  attachments(value: unknown, path: string): Omit<SimAttachment, 'id'>[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return this.add(path, 'Type', 'Expected an array', value) ?? [];
    return value.flatMap((item: unknown, i) => this.attachment(item, `${path}[${i}]`) ?? []);
  }

  private attachment(item: unknown, path: string): Omit<SimAttachment, 'id'> | null {
    if (typeof item !== 'object' || item === null) return this.add(path, 'Type', 'Expected an object', item);
    const a = item as Record<string, unknown>;
    const fileName = this.requiredText(a['fileName'], `${path}.fileName`);
    const mimeType = this.requiredText(a['mimeType'], `${path}.mimeType`);
    const data = this.requiredText(a['data'], `${path}.data`);
    if (data === null) return null;
    if (data.length % 4 !== 0 || !BASE64.test(data)) return this.add(`${path}.data`, 'Type', 'Invalid Base64 data');
    const size = (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
    const max = this.state.config.maxAttachmentBytes;
    if (size > max) return this.add(`${path}.data`, 'Size', `Attachment size ${size} bytes exceeds the limit of ${max} bytes`);
    if (fileName === null || mimeType === null) return null;
    return { fileName, mimeType, size, data };
  }
}
