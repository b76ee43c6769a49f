import type { FieldError } from './vnd-error.ts';

export interface PageRequest {
  number: number;
  size: number;
}

/** `?page=N`, 1-based; anything else is a 400 like any invalid number. */
export function readPage(query: URLSearchParams, size: number): PageRequest | FieldError {
  const raw = query.get('page');
  if (raw === null || raw === '') return { number: 1, size };
  const number = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  return number >= 1 ? { number, size } : { path: 'page', code: 'InvalidNumber', message: 'Invalid number', rejectedValue: raw };
}

/**
 * HAL paging: `page{size,totalElements,totalPages,number}` and first/last/next/previous links
 * that keep the request's other query parameters (filters must survive following `next`).
 */
export function pageEnvelope(
  href: string,
  query: URLSearchParams,
  page: PageRequest,
  totalElements: number,
): Record<string, unknown> {
  const totalPages = Math.ceil(totalElements / page.size);
  const at = (n: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(n));
    return { href: `${href}?${params.toString()}` };
  };
  return {
    _links: {
      self: at(page.number),
      first: at(1),
      last: at(Math.max(1, totalPages)),
      ...(page.number < totalPages ? { next: at(page.number + 1) } : {}),
      ...(page.number > 1 ? { previous: at(Math.min(page.number - 1, Math.max(1, totalPages))) } : {}),
      page: { href: `${href}{?page}`, templated: true },
    },
    page: { size: page.size, totalElements, totalPages, number: page.number },
  };
}

/** Whether `value` is a field error rather than a result (the readers above return either). */
export const isFieldError = (value: object): value is FieldError => 'code' in value && 'path' in value;
