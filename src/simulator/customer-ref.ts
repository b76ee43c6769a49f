import type { SimulatorState } from './state.ts';
import type { SimCustomer } from './types.ts';
import type { Validator } from './validation.ts';

/** A customer named by a request, resolved only once the whole request is valid (nothing stored on a 4xx). */
export type CustomerRef = { kind: 'known'; customer: SimCustomer } | { kind: 'new'; email: string; first: string; last: string };

/** `{id}` (must exist) or `{email, firstName?, lastName?}`; absent → `NotNull` at `path`. */
export function readCustomer(v: Validator, state: SimulatorState, value: unknown, path: string): CustomerRef | null {
  if (typeof value !== 'object' || value === null) return v.add(path, 'NotNull', 'may not be null', value);
  const c = value as Record<string, unknown>;
  if (c['id'] !== undefined && c['id'] !== null) {
    const id = v.identifier(c['id'], `${path}.id`);
    if (id === null) return null;
    const customer = state.customerById(id);
    return customer === undefined ? v.add(`${path}.id`, 'InvalidIdentifier', 'Invalid identifier', c['id']) : { kind: 'known', customer };
  }
  const email = v.email(c['email'], `${path}.email`);
  const first = v.optionalName(c['firstName'], `${path}.firstName`) ?? '';
  const last = v.optionalName(c['lastName'], `${path}.lastName`) ?? '';
  return email === null ? null : { kind: 'new', email, first, last };
}

/** Help Scout: an unknown email creates the customer; a known one matches and "other fields [are] ignored". */
export function resolveCustomer(state: SimulatorState, ref: CustomerRef): SimCustomer {
  return ref.kind === 'known' ? ref.customer : state.customerByEmail(ref.email, ref.first, ref.last);
}
